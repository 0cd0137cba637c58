// libFuzzer target: arbitrary bytes as an ONNX model file through everything our code does with one
// (detect/import): parsing and checked tensor reads, the import to nn::Graph with its shape-plumbing
// analysis, and the rewrite for OpenCV. faceloop::Error is how a bad file is meant to be refused; any
// other exception, a crash, a sanitizer report or a broken invariant of the result is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "common/error.hpp"
#include "detect/import/onnx_graph.hpp"
#include "detect/import/onnx_model.hpp"
#include "detect/import/onnx_opencv.hpp"

namespace {

using namespace faceloop::detect;

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

void CheckImport(const ImportedOnnx& imported) {
  Check(!imported.outputs.empty(), "an import without outputs");
  for (const OnnxOutput& output : imported.outputs) {
    Check(output.row_size > 0, "an output with empty rows");
    Check(!output.parts.empty(), "an output without parts");
    for (std::size_t part : output.parts) Check(part < imported.graph.outputs.size(), "a part out of range");
  }
  for (const auto& [name, factor] : imported.resize_factors) Check(factor >= 1, "a resize factor below 1");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const OnnxModel model = OnnxModel::Parse(std::span<const std::uint8_t>(data, size), 1u << 20);
    const ImportedOnnx imported = ImportOnnx(model);
    CheckImport(imported);
    nn::InferShapes(imported.graph, 96, 64);  // another size than the importer's nominal one
    const std::string rewritten = RewriteForOpenCv(model, imported);
    // What we hand to OpenCV must be a model we can read back ourselves.
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(rewritten.data());
    const OnnxModel reread = OnnxModel::Parse(std::span<const std::uint8_t>(bytes, rewritten.size()), 4u << 20);
    Check(reread.graph().node_size() <= model.graph().node_size(), "the rewrite added nodes");
  } catch (const faceloop::Error&) {
    // Refused: fine.
  }
  return 0;
}
