#include "http/server/url.hpp"

namespace faceloop::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsAlphaNumeric(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

/// RFC 3986 pchar without pct-encoded: unreserved / sub-delims / ":" / "@".
bool IsPathChar(char c) {
  if (IsAlphaNumeric(c)) return true;
  switch (c) {
    case '-':
    case '.':
    case '_':
    case '~':  // unreserved
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':  // sub-delims
    case '+':
    case ',':
    case ';':
    case '=':  // sub-delims
    case ':':
    case '@': return true;
    default: return false;
  }
}

std::optional<std::pair<std::string, std::string>> DecodePair(std::string_view pair) {
  const std::size_t equals = pair.find('=');
  auto name = PercentDecode(pair.substr(0, equals), true);
  auto value = PercentDecode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
  if (!name || !value) return std::nullopt;
  return std::make_pair(std::move(*name), std::move(*value));
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      decoded.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      decoded.push_back(' ');
    } else {
      decoded.push_back(c);
    }
  }
  return decoded;
}

bool IsOriginForm(std::string_view target) {
  if (!target.starts_with('/')) return false;
  bool in_query = false;
  for (const char c : target) {
    if (c == '?' && !in_query) {
      in_query = true;
    } else if (!(IsPathChar(c) || c == '/' || c == '%' || (in_query && c == '?'))) {
      return false;
    }
  }
  return true;
}

std::optional<DecodedTarget> DecodeTarget(std::string_view target) {
  const std::size_t question = target.find('?');
  DecodedTarget decoded;
  auto path = PercentDecode(target.substr(0, question), false);
  // A NUL in a path only ever serves to confuse whatever later treats it as a C string.
  if (!path || path->find('\0') != std::string::npos) return std::nullopt;
  decoded.path = std::move(*path);
  if (question == std::string_view::npos) return decoded;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto decoded_pair = DecodePair(pair);
    if (!decoded_pair) return std::nullopt;
    decoded.query.push_back(std::move(*decoded_pair));
  }
  return decoded;
}

}  // namespace faceloop::http
