#include "feedback/body.hpp"

#include <string>
#include <vector>

#include "common/error.hpp"

namespace faceloop::feedback {
namespace {

constexpr int kNumberOverflow = 406;  // nlohmann::json's out_of_range id for a non-finite number

/// Follows where the parser is ("missed_faces[0].x") without building anything, to name the field
/// of an overflowing number. An array's count goes up when an element ends, so while an element is
/// parsed the count is its index.
class PathTracker final : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool null() override { return Done(); }
  bool boolean(bool) override { return Done(); }
  bool number_integer(number_integer_t) override { return Done(); }
  bool number_unsigned(number_unsigned_t) override { return Done(); }
  bool number_float(number_float_t, const string_t&) override { return Done(); }
  bool string(string_t&) override { return Done(); }
  bool binary(binary_t&) override { return Done(); }
  bool start_object(std::size_t) override { return Push(false); }
  bool key(string_t& name) override {
    frames_.back().key = name;
    return true;
  }
  bool end_object() override { return Pop(); }
  bool start_array(std::size_t) override { return Push(true); }
  bool end_array() override { return Pop(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& error) override {
    if (error.id == kNumberOverflow) overflow_at_ = Path();
    return false;
  }

  /// The field of an overflowing number, or "" when the error was another.
  const std::string& overflow_at() const { return overflow_at_; }

 private:
  struct Frame {
    bool array = false;
    std::size_t count = 0;
    std::string key;
  };

  bool Done() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().count;
    return true;
  }
  bool Push(bool array) {
    frames_.push_back({array, 0, {}});
    return true;
  }
  bool Pop() {
    frames_.pop_back();
    return Done();
  }
  std::string Path() const {
    std::string path;
    for (const Frame& frame : frames_) {
      // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on "literal" + string.
      if (frame.array) {
        path += '[';
        path += std::to_string(frame.count);
        path += ']';
      } else {
        if (!path.empty()) path += '.';
        path += frame.key;
      }
    }
    return path;
  }

  std::vector<Frame> frames_;
  std::string overflow_at_;
};

}  // namespace

nlohmann::json ParseBody(std::string_view text) {
  if (text.empty()) return nlohmann::json::object();
  nlohmann::json body = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    PathTracker tracker;
    nlohmann::json::sax_parse(text, &tracker);
    if (!tracker.overflow_at().empty()) {
      throw Error(ErrorCode::kUnprocessable, tracker.overflow_at() + ": must be a finite number");
    }
  }
  if (!body.is_object()) throw Error(ErrorCode::kBadRequest, "request body must be a JSON object");
  return body;
}

}  // namespace faceloop::feedback
