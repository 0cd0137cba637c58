#include "http/server/multipart.hpp"

#include <algorithm>
#include <utility>

#include "common/error.hpp"
#include "http/server/text.hpp"

namespace faceloop::http {
namespace {

using Parameters = std::vector<std::pair<std::string, std::string>>;

[[noreturn]] void Malformed(const std::string& what) { throw Error(ErrorCode::kBadRequest, "multipart body: " + what); }

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return lower;
}

void SkipSpaces(std::string_view text, std::size_t& at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
}

std::string ReadToken(std::string_view text, std::size_t& at) {
  const std::size_t start = at;
  while (at < text.size() && IsTokenChar(text[at])) ++at;
  return std::string(text.substr(start, at - start));
}

std::string ReadQuoted(std::string_view text, std::size_t& at) {
  std::string value;
  for (++at; at < text.size(); ++at) {
    if (text[at] == '"') {
      ++at;
      return value;
    }
    if (text[at] == '\\' && at + 1 < text.size()) ++at;
    value.push_back(text[at]);
  }
  Malformed("unterminated quoted string in a header parameter");
}

/// `; name=value` pairs (value a token or a quoted-string), names lower-cased, none repeated.
Parameters ReadParameters(std::string_view text) {
  Parameters parameters;
  std::size_t at = 0;
  for (;;) {
    SkipSpaces(text, at);
    if (at == text.size()) return parameters;
    if (text[at] != ';') Malformed("expected ';' between header parameters");
    ++at;
    SkipSpaces(text, at);
    if (at == text.size()) return parameters;
    std::string name = Lower(ReadToken(text, at));
    if (name.empty() || at == text.size() || text[at] != '=') Malformed("header parameter without name=value");
    ++at;
    std::string value = at < text.size() && text[at] == '"' ? ReadQuoted(text, at) : ReadToken(text, at);
    for (const auto& [seen, unused] : parameters) {
      if (seen == name) Malformed("header parameter '" + name + "' given twice");
    }
    parameters.emplace_back(std::move(name), std::move(value));
  }
}

std::string_view Find(const Parameters& parameters, std::string_view name) {
  for (const auto& [key, value] : parameters) {
    if (key == name) return value;
  }
  return {};
}

bool IsBoundaryChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

/// Content-Disposition and Content-Type of one part's header block (lines without the final CRLF).
void ReadPartHeaders(std::string_view block, FormDataPart& part) {
  bool has_disposition = false;
  while (!block.empty()) {
    const std::size_t end = std::min(block.find("\r\n"), block.size());
    const std::string_view line = block.substr(0, end);
    block.remove_prefix(std::min(end + 2, block.size()));
    if (line.empty() || line.front() == ' ' || line.front() == '\t') Malformed("folded or empty part header line");
    const std::size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) Malformed("part header line without a name");
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = TrimSpaces(line.substr(colon + 1));
    if (!std::all_of(name.begin(), name.end(), IsTokenChar)) Malformed("bad part header name");
    if (std::any_of(value.begin(), value.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 && c != '\t'; })) {
      Malformed("control character in a part header");
    }
    if (EqualsIgnoringCase(name, "Content-Disposition")) {
      if (has_disposition) Malformed("part with two Content-Disposition headers");
      has_disposition = true;
      const std::size_t semicolon = std::min(value.find(';'), value.size());
      if (!EqualsIgnoringCase(TrimSpaces(value.substr(0, semicolon)), "form-data")) {
        Malformed("part disposition is not form-data");
      }
      const Parameters parameters = ReadParameters(value.substr(semicolon));
      part.name = std::string(Find(parameters, "name"));
      part.filename = std::string(Find(parameters, "filename"));
    } else if (EqualsIgnoringCase(name, "Content-Type")) {
      part.content_type = std::string(value);
    }
  }
  if (part.name.empty()) Malformed("part without Content-Disposition: form-data; name=...");
}

/// Reads the header block starting at `at` (just after a boundary line) into `part`; returns where
/// the part's content starts.
std::size_t ReadPartHead(std::string_view body, std::size_t at, const FormDataLimits& limits, FormDataPart& part) {
  if (body.substr(at, 2) == "\r\n") {  // no header lines at all
    ReadPartHeaders({}, part);
    return at + 2;
  }
  const std::size_t end = body.substr(at, limits.max_part_header_bytes + 4).find("\r\n\r\n");
  if (end == std::string_view::npos) Malformed("part headers unterminated or over the limit");
  ReadPartHeaders(body.substr(at, end), part);
  return at + end + 4;
}

}  // namespace

std::string FormDataBoundary(std::string_view content_type) {
  const std::size_t semicolon = std::min(content_type.find(';'), content_type.size());
  if (!EqualsIgnoringCase(TrimSpaces(content_type.substr(0, semicolon)), "multipart/form-data")) {
    throw Error(ErrorCode::kUnsupportedMediaType, "expected a multipart/form-data body");
  }
  const Parameters parameters = ReadParameters(content_type.substr(semicolon));
  std::string boundary(Find(parameters, "boundary"));
  if (boundary.empty() || boundary.size() > 70 || boundary.back() == ' ' ||
      !std::all_of(boundary.begin(), boundary.end(), IsBoundaryChar)) {
    Malformed("missing or invalid boundary in Content-Type");
  }
  return boundary;
}

std::vector<FormDataPart> ParseFormData(std::string_view body, std::string_view boundary,
                                        const FormDataLimits& limits) {
  if (boundary.empty()) Malformed("empty boundary");
  const std::string delimiter = "\r\n--" + std::string(boundary);
  const std::string_view opening = std::string_view(delimiter).substr(2);  // the body may start with it
  std::size_t at = opening.size();
  if (!body.starts_with(opening)) {
    at = body.find(delimiter);
    if (at == std::string_view::npos) Malformed("no boundary found");
    at += delimiter.size();
  }
  std::vector<FormDataPart> parts;
  for (;;) {
    if (body.substr(at, 2) == "--") return parts;  // the close delimiter; the epilogue is ignored
    SkipSpaces(body, at);                          // transport padding
    if (body.substr(at, 2) != "\r\n") Malformed("boundary not followed by a line break");
    at += 2;
    if (parts.size() == limits.max_parts) Malformed("more than " + std::to_string(limits.max_parts) + " parts");
    FormDataPart part;
    const std::size_t content = ReadPartHead(body, at, limits, part);
    const std::size_t next = body.find(delimiter, content);
    if (next == std::string_view::npos) Malformed("part '" + part.name + "' is not closed by a boundary");
    part.body = body.substr(content, next - content);
    parts.push_back(std::move(part));
    at = next + delimiter.size();
  }
}

std::vector<FormDataPart> ParseFormData(const Request& request, const FormDataLimits& limits) {
  return ParseFormData(request.body, FormDataBoundary(request.Header("Content-Type")), limits);
}

const FormDataPart* FindPart(const std::vector<FormDataPart>& parts, std::string_view name) {
  const auto found =
      std::find_if(parts.begin(), parts.end(), [name](const FormDataPart& part) { return part.name == name; });
  return found == parts.end() ? nullptr : &*found;
}

}  // namespace faceloop::http
