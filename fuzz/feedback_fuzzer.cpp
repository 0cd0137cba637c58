// libFuzzer target: feedback request bodies (parsed, checked against a request record, stored form
// round-tripped) and feedback tokens (the e-mail links' POST), as untrusted clients send them.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "common/error.hpp"
#include "feedback/body.hpp"
#include "feedback/feedback_json.hpp"
#include "feedback/token.hpp"
#include "feedback/validation.hpp"

namespace {

using namespace faceloop;

const requests::RequestRecord& Record() {
  static const requests::RequestRecord record = [] {
    requests::RequestRecord r;
    r.request_id = "R1";
    r.user_id = "owner";
    r.image = {{"width", 640}, {"height", 480}};
    r.faces = nlohmann::json::array({{{"confidence", 0.9}}, {{"confidence", 0.8}}});
    return r;
  }();
  return record;
}

[[noreturn]] void Broken(const char* what) {
  std::cerr << "invariant broken: " << what << "\n";
  std::abort();
}

void Body(std::string_view text) {
  feedback::FeedbackInput input = feedback::ParseInput(feedback::ParseBody(text), {"token"});
  feedback::CheckAgainst(input, Record());
  const feedback::Feedback made = feedback::MakeFeedback(std::move(input), Record(), "u", feedback::Channel::kApi,
                                                         std::chrono::system_clock::now());
  for (const feedback::Box& box : made.missed_faces) {
    if (!(box.x >= 0 && box.width > 0 && box.x + box.width <= 640 && box.y + box.height <= 480)) Broken("box");
  }
  // What is stored must read back as itself (spool, search document).
  const nlohmann::json json = feedback::ToJson(made);
  if (feedback::ToJson(feedback::FromJson(json)) != json) Broken("JSON round trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const feedback::TokenSigner signer(std::vector<std::uint8_t>(32, 7));
  try {
    Body(text);
  } catch (const Error&) {
    // Refusing with faceloop::Error is the one accepted outcome; anything else escapes and fails.
  }
  try {
    signer.Verify(text, std::chrono::system_clock::now());
  } catch (const Error&) {
  }
  return 0;
}
