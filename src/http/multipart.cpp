#include "http/multipart.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "common/error.hpp"

namespace faceloop::http {
namespace {

[[noreturn]] void Malformed(const std::string& why) {
  throw Error(ErrorCode::kBadRequest, "malformed multipart body: " + why);
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

/// The value of parameter `key` in a header value such as `form-data; name="image"; filename="a.jpg"`.
std::string_view Parameter(std::string_view value, std::string_view key) {
  std::size_t at = 0;
  while ((at = value.find(';', at)) != std::string_view::npos) {
    std::string_view rest = Trim(value.substr(++at));
    if (!StartsWithNoCase(rest, key) || rest.size() <= key.size() || rest[key.size()] != '=') continue;
    rest.remove_prefix(key.size() + 1);
    if (!rest.empty() && rest.front() == '"') {
      const std::size_t close = rest.find('"', 1);
      if (close == std::string_view::npos) Malformed("unterminated quoted parameter");
      return rest.substr(1, close - 1);
    }
    return Trim(rest.substr(0, rest.find(';')));
  }
  return {};
}

void ParseHeaders(std::string_view headers, FormPart& part) {
  while (!headers.empty()) {
    const std::size_t end = std::min(headers.find("\r\n"), headers.size());
    const std::string_view line = headers.substr(0, end);
    headers.remove_prefix(std::min(end + 2, headers.size()));
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) Malformed("part header without ':'");
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = Trim(line.substr(colon + 1));
    if (StartsWithNoCase(name, "content-disposition") && name.size() == 19) {
      if (!StartsWithNoCase(value, "form-data")) Malformed("Content-Disposition must be form-data");
      part.name = Parameter(value, "name");
      part.filename = Parameter(value, "filename");
    } else if (StartsWithNoCase(name, "content-type") && name.size() == 12) {
      part.content_type = value;
    }
  }
  if (part.name.empty()) Malformed("a part has no name");
}

}  // namespace

std::string_view MultipartBoundary(std::string_view content_type) {
  if (!StartsWithNoCase(Trim(content_type), "multipart/form-data")) return {};
  const std::string_view boundary = Parameter(content_type, "boundary");
  return boundary.size() <= 70 ? boundary : std::string_view();
}

std::vector<FormPart> ParseMultipart(std::string_view body, std::string_view boundary, const MultipartLimits& limits) {
  if (boundary.empty()) Malformed("no boundary");
  const std::string delimiter = "--" + std::string(boundary);
  std::size_t at = body.find(delimiter);
  if (at == std::string_view::npos) Malformed("no boundary line");
  std::vector<FormPart> parts;
  const std::string next_delimiter = "\r\n" + delimiter;
  for (;;) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") return parts;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") Malformed("boundary line not followed by CRLF");
    at += 2;
    const std::size_t headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string_view::npos || headers_end - at > limits.max_part_header_bytes) {
      Malformed("part headers unterminated or too long");
    }
    FormPart part;
    ParseHeaders(body.substr(at, headers_end - at), part);
    const std::size_t content = headers_end + 4;
    const std::size_t end = body.find(next_delimiter, content);
    if (end == std::string_view::npos) Malformed("part without a closing boundary");
    part.body = body.substr(content, end - content);
    if (parts.size() == limits.max_parts) Malformed("more than " + std::to_string(limits.max_parts) + " parts");
    parts.push_back(part);
    at = end + 2;
  }
}

}  // namespace faceloop::http
