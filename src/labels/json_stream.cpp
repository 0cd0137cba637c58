#include "labels/json_stream.hpp"

#include <algorithm>
#include <cctype>

#include "common/error.hpp"

namespace faceloop::labels {
namespace {

bool IsSpace(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool EndsScalar(int c) { return c == EOF || IsSpace(c) || c == ',' || c == ']' || c == '}' || c == ':'; }

/// nlohmann's message less its own "[json.exception...] parse error at line 1, column 5: " prefix,
/// which counts within the value rather than the file.
std::string Reason(const std::string& what) {
  const auto column = what.find("column ");
  const auto colon = column == std::string::npos ? std::string::npos : what.find(": ", column);
  if (colon != std::string::npos) return what.substr(colon + 2);
  const auto tag = what.find("] ");  // "[json.exception.out_of_range.406] number overflow ..."
  return tag == std::string::npos ? what : what.substr(tag + 2);
}

}  // namespace

int JsonStream::Peek() { return in_.peek(); }

int JsonStream::Get() {
  const int c = in_.get();
  if (c == '\n') ++line_;
  return c;
}

void JsonStream::SkipSpace() {
  while (IsSpace(Peek())) Get();
}

void JsonStream::Fail(std::int64_t line, std::string_view context, const std::string& message) const {
  std::string text = "line " + std::to_string(line);
  if (!context.empty()) text += " (" + std::string(context) + ")";
  throw Error(ErrorCode::kBadRequest, text + ": " + message);
}

void JsonStream::Open(char open, std::string_view what) {
  SkipSpace();
  if (Peek() != open) Fail(line_, {}, "malformed JSON: " + std::string(what));
  Get();
  levels_.push_back({open == '[' ? ']' : '}', true});
}

bool JsonStream::More() {
  Level& level = levels_.back();
  SkipSpace();
  if (Peek() == level.close) {
    Get();
    levels_.pop_back();
    return false;
  }
  if (!level.first) {
    if (Peek() != ',') Fail(line_, {}, std::string("malformed JSON: expected ',' or '") + level.close + "'");
    Get();
  }
  level.first = false;
  return true;
}

std::string JsonStream::Key() {
  const nlohmann::json key = Value("an object key");
  if (!key.is_string()) Fail(line_, {}, "malformed JSON: an object key must be a string");
  SkipSpace();
  if (Get() != ':') Fail(line_, {}, "malformed JSON: expected ':' after a key");
  return key.get<std::string>();
}

nlohmann::json JsonStream::Value(std::string_view context) {
  SkipSpace();
  const std::int64_t start = value_line_ = line_;
  std::string text;
  Scan(&text, context);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    const auto upto = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    const auto newlines = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(upto), '\n');
    Fail(start + newlines, context, "malformed JSON: " + Reason(e.what()));
  } catch (const nlohmann::json::exception& e) {  // 1e999: a number no double holds
    Fail(start, context, "malformed JSON: " + Reason(e.what()));
  }
}

void JsonStream::Skip(std::string_view context) {
  SkipSpace();
  value_line_ = line_;
  Scan(nullptr, context);
}

void JsonStream::ScanString(std::string* out, std::string_view context) {
  const std::int64_t start = line_;
  if (out) *out += static_cast<char>(Get());  // the opening quote
  for (;;) {
    const int c = Get();
    if (c == EOF) Fail(start, context, "malformed JSON: a string is not closed");
    if (out) *out += static_cast<char>(c);
    if (c == '"') return;
    if (c == '\\') {
      const int escaped = Get();
      if (escaped == EOF) Fail(start, context, "malformed JSON: a string is not closed");
      if (out) *out += static_cast<char>(escaped);
    }
  }
}

void JsonStream::Scan(std::string* out, std::string_view context) {
  const std::int64_t start = line_;
  int depth = 0;
  do {
    const int c = Peek();
    if (c == EOF) Fail(start, context, "malformed JSON: the file ends inside a value");
    if (c == '"') {
      ScanString(out, context);
      continue;
    }
    if (depth == 0 && c != '{' && c != '[') {  // a scalar: up to the next delimiter
      if (EndsScalar(c)) Fail(line_, context, "malformed JSON: a value is missing");
      while (!EndsScalar(Peek())) {
        const int scalar = Get();
        if (out) *out += static_cast<char>(scalar);
      }
      return;
    }
    Get();
    if (out) *out += static_cast<char>(c);
    if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) Fail(line_, context, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
    } else if (c == '}' || c == ']') {
      --depth;
    }
  } while (depth > 0);
}

void JsonStream::End() {
  SkipSpace();
  if (Peek() != EOF) Fail(line_, {}, "malformed JSON: text after the end of the document");
}

}  // namespace faceloop::labels
