#pragma once
// Independent decoders for what the mailer encodes (base64, RFC 2047 words, quoted-printable) and a
// minimal header reader, so tests check round trips rather than the encoder's own idea of them.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace faceloop::mail::testing {

inline std::string DecodeBase64(std::string_view text) {
  const auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  };
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (const char c : text) {
    const int v = value(c);
    if (v < 0) continue;  // '=' padding
    bits = (bits << 6) | static_cast<unsigned>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

/// Joins a header's folded lines and decodes every "=?UTF-8?B?...?=" word; whitespace between two
/// encoded words is dropped as RFC 2047 section 6.2 says.
inline std::string DecodeHeaderValue(std::string_view value) {
  std::string out;
  bool previous_was_word = false;
  while (!value.empty()) {
    const std::size_t start = value.find("=?UTF-8?B?");
    const std::string_view before = value.substr(0, start);
    const bool only_space = before.find_first_not_of(" \t\r\n") == std::string_view::npos;
    if (!(previous_was_word && only_space && start != std::string_view::npos)) out += before;
    if (start == std::string_view::npos) break;
    const std::size_t end = value.find("?=", start + 10);
    out += DecodeBase64(value.substr(start + 10, end - start - 10));
    value.remove_prefix(end + 2);
    previous_was_word = true;
  }
  return out;
}

inline std::string DecodeQuotedPrintable(std::string_view text) {
  const auto hex = [](char c) { return c <= '9' ? c - '0' : c - 'A' + 10; };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
    } else if (text.substr(i + 1, 2) == "\r\n") {
      i += 2;  // soft line break
    } else {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    }
  }
  return out;
}

/// A message as headers (unfolded later by the caller) and body, split at the first empty line.
struct ParsedMail {
  std::string headers;  ///< every header line, each ending in CRLF
  std::string body;

  /// The value of the first header `name` (case-sensitive), continuation lines included.
  std::optional<std::string> Header(std::string_view name) const {
    const std::string key = std::string(name) + ": ";
    std::size_t at = 0;
    if (headers.compare(0, key.size(), key) != 0) {
      at = headers.find("\r\n" + key);
      if (at == std::string::npos) return std::nullopt;
      at += 2;
    }
    at += key.size();
    std::size_t end = at;
    do {
      end = headers.find("\r\n", end) + 2;
    } while (end < headers.size() && (headers[end] == ' ' || headers[end] == '\t'));
    return headers.substr(at, end - 2 - at);
  }
};

inline ParsedMail ParseMail(std::string_view mail) {
  const std::size_t split = mail.find("\r\n\r\n");
  if (split == std::string_view::npos) return {std::string(mail), ""};
  return {std::string(mail.substr(0, split + 2)), std::string(mail.substr(split + 4))};
}

}  // namespace faceloop::mail::testing
