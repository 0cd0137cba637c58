// libFuzzer target: multipart/form-data bodies as clients upload them. The first line is the
// Content-Type (boundary and all), the rest the body. faceloop::Error is the expected refusal; parts
// must be views into the body within the limits. Anything else is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "common/error.hpp"
#include "http/server/multipart.hpp"

namespace {

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t line_end = input.find('\n');
  if (line_end == std::string_view::npos) return 0;
  const std::string_view content_type = input.substr(0, line_end);
  const std::string_view body = input.substr(line_end + 1);
  faceloop::http::FormDataLimits limits;
  limits.max_parts = 8;
  limits.max_part_header_bytes = 512;
  try {
    const auto boundary = faceloop::http::FormDataBoundary(content_type);
    Check(!boundary.empty() && boundary.size() <= 70, "boundary length");
    const auto parts = faceloop::http::ParseFormData(body, boundary, limits);
    Check(parts.size() <= limits.max_parts, "part limit held");
    for (const auto& part : parts) {
      Check(!part.name.empty(), "every part has a name");
      Check(part.body.data() >= body.data() && part.body.data() + part.body.size() <= body.data() + body.size(),
            "part body is a view into the body");
    }
  } catch (const faceloop::Error&) {
  }
  return 0;
}
