#pragma once
// Small text helpers the engine's parsers share.
#include <algorithm>
#include <string_view>

namespace faceloop::http {

/// ASCII case-insensitive equality (HTTP field names, tokens such as "chunked").
inline bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&lower](char x, char y) { return lower(x) == lower(y); });
}

/// `text` without leading and trailing spaces and tabs (HTTP's optional whitespace).
inline std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace faceloop::http
