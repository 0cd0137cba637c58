// libFuzzer target: bytes off the wire through RequestParser (Beast's parser plus the engine's
// strictness checks) as a connection feeds it: in reads whose size the first byte picks, request
// after pipelined request. A refusal must carry one of the engine's statuses; a parsed request must
// satisfy what routes rely on. Anything else, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/server/request_parser.hpp"
#include "http/server/url.hpp"

namespace {

using faceloop::http::ParserLimits;
using faceloop::http::Request;
using faceloop::http::RequestParser;

constexpr ParserLimits kLimits{1024, 4096};

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

bool KnownRefusal(int status) {
  return status == 400 || status == 413 || status == 417 || status == 431 || status == 501 || status == 505;
}

void CheckRequest(const RequestParser& parser, const Request& request, std::size_t head_and_body_bytes) {
  Check(parser.version() == 10 || parser.version() == 11, "version is 1.0 or 1.1");
  Check(!request.method.empty(), "method is set");
  Check(request.target.starts_with('/') && faceloop::http::IsOriginForm(request.target), "target is origin-form");
  const auto decoded = faceloop::http::DecodeTarget(request.target);
  Check(decoded && decoded->path == request.path && decoded->query == request.query, "path and query decoded");
  Check(request.path.find('\0') == std::string::npos, "no NUL in the path");
  Check(request.body.size() <= kLimits.max_body_bytes, "body limit held");
  Check(request.body.size() <= head_and_body_bytes, "body not larger than the bytes it came in");
  Check(request.headers.fields().size() * 4 <= kLimits.max_header_bytes, "head limit held");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t read_size = 1 + data[0] % 64;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string buffered;
  std::size_t offset = 0;
  for (int pipelined = 0; pipelined < 8; ++pipelined) {
    RequestParser parser(kLimits);
    std::size_t fed = 0;
    while (!parser.done() && !parser.failure()) {
      const std::size_t used = parser.Feed(buffered);
      Check(used <= buffered.size(), "consumed no more than given");
      buffered.erase(0, used);
      fed += used;
      if (used > 0) continue;
      if (offset >= input.size()) return 0;  // the client stopped mid-request
      const std::size_t take = std::min(read_size, input.size() - offset);
      buffered.append(input.substr(offset, take));
      offset += take;
    }
    if (parser.failure()) {
      Check(KnownRefusal(parser.failure()->status), "refusal status is one the engine answers");
      return 0;
    }
    Request& request = parser.request();
    CheckRequest(parser, request, fed);
  }
  return 0;
}
