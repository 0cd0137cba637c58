#pragma once
// Reads a large JSON document one value at a time, so an import holds one task in memory, not
// the file: the structure around the values (the top-level array of a Label Studio export, the
// object and arrays of a COCO file) is walked here, and each value's text is scanned (brackets and
// strings, nothing kept but that value) and handed to nlohmann to parse. Every error names the
// line it is on.
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace faceloop::labels {

class JsonStream {
 public:
  /// Deeper nesting than this in one value is refused (nlohmann recurses per level).
  static constexpr int kMaxDepth = 64;

  explicit JsonStream(std::istream& in) : in_(in) {}

  /// Skips whitespace and consumes `open` ('[' or '{'); Error(kBadRequest) saying `what` otherwise.
  void Open(char open, std::string_view what);
  /// Inside the array or object opened last: true when another member follows (the ',' before it
  /// is consumed), false at its closing bracket (consumed).
  bool More();
  /// An object's next key and the ':' after it.
  std::string Key();
  /// The next value, parsed; `context` (e.g. "task 3") goes into error messages.
  nlohmann::json Value(std::string_view context);
  /// The next value, scanned and dropped.
  void Skip(std::string_view context);
  /// Fails unless only whitespace remains.
  void End();
  /// The line the next character is on (1-based).
  std::int64_t line() const { return line_; }
  /// The line the last value (Value, Skip) started on.
  std::int64_t value_line() const { return value_line_; }

 private:
  int Peek();
  int Get();
  void SkipSpace();
  /// Scans one value; appends its text to `out` unless null.
  void Scan(std::string* out, std::string_view context);
  void ScanString(std::string* out, std::string_view context);
  [[noreturn]] void Fail(std::int64_t line, std::string_view context, const std::string& message) const;

  std::istream& in_;
  std::int64_t line_ = 1;
  std::int64_t value_line_ = 1;
  struct Level {
    char close;
    bool first;
  };
  std::vector<Level> levels_;
};

}  // namespace faceloop::labels
