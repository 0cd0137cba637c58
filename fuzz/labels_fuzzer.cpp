// libFuzzer target: label files as annotators' tools (or anyone calling POST /v1/labels/import)
// send them: the streaming Label Studio and COCO readers, and each box's percent-to-pixel check.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "labels/parse.hpp"

namespace {

using namespace faceloop;

[[noreturn]] void Broken(const char* what) {
  std::cerr << "invariant broken: " << what << "\n";
  std::abort();
}

/// What a reader hands on is finite numbers only: the importer relies on it.
void Check(const labels::ParsedTask& task) {
  for (const labels::LabelBox& box : task.boxes) {
    if (!std::isfinite(box.x) || !std::isfinite(box.y) || !std::isfinite(box.width) || !std::isfinite(box.height)) {
      Broken("a non-finite box");
    }
  }
  if (task.at.line < 1) Broken("a task before line 1");
}

void Read(const std::string& text, bool coco) {
  std::istringstream in(text);
  const labels::TaskSink task = [](labels::ParsedTask&& t) { Check(t); };
  const labels::ProblemSink problem = [](labels::TaskProblem&& p) {
    if (p.message.empty()) Broken("a problem without a message");
  };
  try {
    if (coco) {
      labels::ParseCoco(in, task, problem);
    } else {
      labels::ParseLabelStudio(in, task, problem);
    }
  } catch (const Error&) {
    // Refusing with faceloop::Error is the one accepted outcome; anything else escapes and fails.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  Read(text, false);
  Read(text, true);
  return 0;
}
