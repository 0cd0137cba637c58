#include "http/server/head_checks.hpp"

#include <algorithm>
#include <cctype>

#include "http/server/text.hpp"
#include "http/server/url.hpp"

namespace faceloop::http {
namespace {

std::size_t CountFields(const Headers& headers, std::string_view name) {
  return static_cast<std::size_t>(
      std::count_if(headers.fields().begin(), headers.fields().end(),
                    [name](const auto& field) { return EqualsIgnoringCase(field.first, name); }));
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

ParseFailure Bad(std::string detail) { return ParseFailure{400, std::move(detail)}; }

std::optional<ParseFailure> CheckFraming(int version, const Headers& headers) {
  const std::size_t lengths = CountFields(headers, "Content-Length");
  const std::size_t codings = CountFields(headers, "Transfer-Encoding");
  if (lengths > 1) return Bad("more than one Content-Length");
  if (lengths == 1 && !AllDigits(headers.Get("Content-Length"))) return Bad("Content-Length is not a number");
  if (codings == 0) return std::nullopt;
  if (lengths == 1) return Bad("both Content-Length and Transfer-Encoding");
  if (codings > 1) return Bad("more than one Transfer-Encoding");
  if (version == 10) return Bad("Transfer-Encoding in an HTTP/1.0 request");
  if (!EqualsIgnoringCase(TrimSpaces(headers.Get("Transfer-Encoding")), "chunked")) {
    return ParseFailure{501, "the only transfer coding supported is chunked"};
  }
  return std::nullopt;
}

std::optional<ParseFailure> CheckHost(int version, const Headers& headers) {
  const std::size_t hosts = CountFields(headers, "Host");
  if (hosts > 1) return Bad("more than one Host");
  if (hosts == 0 && version == 11) return Bad("HTTP/1.1 request without Host");
  return std::nullopt;
}

std::optional<ParseFailure> CheckExpect(const Headers& headers) {
  if (!headers.Has("Expect")) return std::nullopt;
  if (CountFields(headers, "Expect") == 1 && EqualsIgnoringCase(TrimSpaces(headers.Get("Expect")), "100-continue")) {
    return std::nullopt;
  }
  return ParseFailure{417, "the only expectation supported is 100-continue"};
}

}  // namespace

bool HasFoldedLine(std::string_view raw_head) {
  for (std::size_t at = raw_head.find('\n'); at != std::string_view::npos; at = raw_head.find('\n', at + 1)) {
    if (at + 1 < raw_head.size() && (raw_head[at + 1] == ' ' || raw_head[at + 1] == '\t')) return true;
  }
  return false;
}

std::optional<ParseFailure> CheckHead(std::string_view raw_head, int version, std::string_view target,
                                      const Headers& headers) {
  if (HasFoldedLine(raw_head)) return Bad("folded header line (obs-fold)");
  if (!IsOriginForm(target)) return Bad("request target is not an absolute path with an optional query");
  if (auto failure = CheckFraming(version, headers)) return failure;
  if (auto failure = CheckHost(version, headers)) return failure;
  return CheckExpect(headers);
}

}  // namespace faceloop::http
