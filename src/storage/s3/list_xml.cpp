#include "storage/s3/list_xml.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <utility>

#include "common/error.hpp"

namespace faceloop::storage {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x110000) {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    throw Error(ErrorCode::kInternal, "S3 answer has an XML character reference out of range");
  }
}

std::uint32_t ParseCharReference(std::string_view digits) {
  const bool hex = digits.starts_with('x') || digits.starts_with('X');
  if (hex) digits.remove_prefix(1);
  if (digits.empty() || digits.size() > 8) throw Error(ErrorCode::kInternal, "S3 answer has a bad XML reference");
  std::uint32_t value = 0;
  for (const char c : digits) {
    const int digit = hex ? HexValue(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
    if (digit < 0) throw Error(ErrorCode::kInternal, "S3 answer has a bad XML reference");
    value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
  }
  return value;
}

/// Replaces XML's five named entities and numeric character references (S3 escapes keys so).
std::string XmlUnescape(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, char>, 5> kNamed{
      {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}}};
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '&') {
      out += text[i++];
      continue;
    }
    const auto end = text.find(';', i);
    if (end == std::string_view::npos) throw Error(ErrorCode::kInternal, "S3 answer has an unterminated XML entity");
    const std::string_view name = text.substr(i + 1, end - i - 1);
    if (name.starts_with('#')) {
      AppendUtf8(ParseCharReference(name.substr(1)), out);
    } else {
      const auto* named = std::find_if(kNamed.begin(), kNamed.end(), [&](const auto& e) { return e.first == name; });
      if (named == kNamed.end()) throw Error(ErrorCode::kInternal, "S3 answer has an unknown XML entity");
      out += named->second;
    }
    i = end + 1;
  }
  return out;
}

/// The text of each <tag>...</tag> in `xml` (S3 answers never nest an element in one of its kind).
std::vector<std::string_view> Elements(std::string_view xml, std::string_view tag) {
  // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string temporaries.
  const std::string open = std::string("<").append(tag).append(">");
  const std::string close = std::string("</").append(tag).append(">");
  std::vector<std::string_view> found;
  std::size_t at = 0;
  while ((at = xml.find(open, at)) != std::string_view::npos) {
    const std::size_t start = at + open.size();
    const std::size_t end = xml.find(close, start);
    if (end == std::string_view::npos) {
      throw Error(ErrorCode::kInternal, "S3 answer has an unclosed <" + std::string(tag) + ">");
    }
    found.push_back(xml.substr(start, end - start));
    at = end + close.size();
  }
  return found;
}

std::optional<std::string> FirstElement(std::string_view xml, std::string_view tag) {
  const auto all = Elements(xml, tag);
  if (all.empty()) return std::nullopt;
  return XmlUnescape(all.front());
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

}  // namespace

S3ListPage ParseListObjectsV2(std::string_view xml) {
  S3ListPage page;
  for (const std::string_view contents : Elements(xml, "Contents")) {
    auto key = FirstElement(contents, "Key");
    if (!key) throw Error(ErrorCode::kInternal, "S3 list answer has <Contents> without <Key>");
    page.keys.push_back(std::move(*key));
  }
  if (FirstElement(xml, "IsTruncated").value_or("false") == "true") {
    page.next_token = FirstElement(xml, "NextContinuationToken").value_or("");
    // Without a token the next request would start over: fail rather than loop forever.
    if (page.next_token.empty()) {
      throw Error(ErrorCode::kInternal, "S3 list answer truncated without a continuation token");
    }
  }
  return page;
}

std::string S3ErrorCode(std::string_view body) {
  const auto start = body.find("<Code>");
  const auto end = start == std::string_view::npos ? start : body.find("</Code>", start);
  if (end == std::string_view::npos) return "";
  const std::string_view code = body.substr(start + 6, end - start - 6);
  const bool plain = code.size() <= 64 && std::all_of(code.begin(), code.end(), IsNameChar);
  return plain ? std::string(code) : "";
}

}  // namespace faceloop::storage
