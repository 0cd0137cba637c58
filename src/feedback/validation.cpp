#include "feedback/validation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>

#include "common/error.hpp"

namespace faceloop::feedback {
namespace {

[[noreturn]] void Refuse(const std::string& field, const std::string& why) {
  throw Error(ErrorCode::kUnprocessable, field + ": " + why);
}

std::string At(std::string_view field, std::size_t index) {
  return std::string(field) + "[" + std::to_string(index) + "]";
}

/// A JSON integer, or a number with no fraction (JSON Schema's `integer` counts 3.0 as one, and so
/// does the OpenAPI document); nullopt for anything else, and for values outside int64.
std::optional<std::int64_t> AsInteger(const nlohmann::json& value) {
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      return std::nullopt;
    }
    return value.get<std::int64_t>();
  }
  if (!value.is_number_float()) return std::nullopt;
  const double number = value.get<double>();
  // 2^63 is exact as a double; every integral double below it in magnitude fits int64.
  if (!std::isfinite(number) || std::trunc(number) != number || std::fabs(number) >= 9223372036854775808.0) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(number);
}

constexpr std::string_view kFields[] = {"verdict", "wrong_faces", "missed_faces", "rating", "comment"};
constexpr std::string_view kBoxFields[] = {"x", "y", "width", "height"};

void RefuseUnknown(const nlohmann::json& object, std::initializer_list<std::string_view> also_allowed) {
  for (const auto& [name, value] : object.items()) {
    const bool known = std::find(std::begin(kFields), std::end(kFields), name) != std::end(kFields) ||
                       std::find(also_allowed.begin(), also_allowed.end(), name) != also_allowed.end();
    if (!known) Refuse(name, "unknown field");
  }
}

Verdict ParseVerdictField(const nlohmann::json& body) {
  const auto it = body.find("verdict");
  if (it == body.end() || it->is_null()) Refuse("verdict", "required: correct, partly_correct or incorrect");
  const auto verdict = it->is_string() ? ParseVerdict(it->get_ref<const std::string&>()) : std::nullopt;
  if (!verdict) Refuse("verdict", "must be correct, partly_correct or incorrect");
  return *verdict;
}

/// The member `name` as an array; empty when absent or null.
const nlohmann::json& ArrayField(const nlohmann::json& body, const char* name) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return kEmpty;
  if (!it->is_array()) Refuse(name, "must be an array");
  return *it;
}

std::vector<std::int64_t> ParseWrongFaces(const nlohmann::json& body) {
  std::vector<std::int64_t> indexes;
  const nlohmann::json& items = ArrayField(body, "wrong_faces");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::optional<std::int64_t> index = AsInteger(items[i]);
    if (!index) Refuse(At("wrong_faces", i), "must be a face index (an integer)");
    indexes.push_back(*index);
  }
  return indexes;
}

double BoxNumber(const nlohmann::json& box, const std::string& field, std::string_view name) {
  const std::string path = field + "." + std::string(name);
  const auto it = box.find(name);
  if (it == box.end() || it->is_null()) Refuse(path, "required");
  if (!it->is_number()) Refuse(path, "must be a number");
  const double value = it->get<double>();
  if (!std::isfinite(value)) Refuse(path, "must be a finite number");
  return value;
}

Box ParseBox(const nlohmann::json& item, const std::string& field) {
  if (!item.is_object()) Refuse(field, "must be an object {x, y, width, height}");
  for (const auto& [name, value] : item.items()) {
    if (std::find(std::begin(kBoxFields), std::end(kBoxFields), name) == std::end(kBoxFields)) {
      std::string path(field);
      path.append(".").append(name);
      Refuse(path, "unknown field");
    }
  }
  return Box{BoxNumber(item, field, "x"), BoxNumber(item, field, "y"), BoxNumber(item, field, "width"),
             BoxNumber(item, field, "height")};
}

std::vector<Box> ParseMissedFaces(const nlohmann::json& body) {
  const nlohmann::json& items = ArrayField(body, "missed_faces");
  if (items.size() > kMaxMissedFaces) {
    Refuse("missed_faces", "at most " + std::to_string(kMaxMissedFaces) + " boxes");
  }
  std::vector<Box> boxes;
  for (std::size_t i = 0; i < items.size(); ++i) boxes.push_back(ParseBox(items[i], At("missed_faces", i)));
  return boxes;
}

std::optional<std::int64_t> ParseRating(const nlohmann::json& body) {
  const auto it = body.find("rating");
  if (it == body.end() || it->is_null()) return std::nullopt;
  const std::optional<std::int64_t> rating = AsInteger(*it);
  if (!rating || *rating < 1 || *rating > 5) Refuse("rating", "must be an integer from 1 to 5");
  return *rating;
}

/// Characters (code points) of valid UTF-8, which the JSON parser has already checked.
std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::optional<std::string> ParseComment(const nlohmann::json& body) {
  const auto it = body.find("comment");
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) Refuse("comment", "must be a string");
  const std::string& text = it->get_ref<const std::string&>();
  if (CodePoints(text) > kMaxCommentChars) {
    Refuse("comment", "at most " + std::to_string(kMaxCommentChars) + " characters");
  }
  // PostgreSQL's text refuses NUL, and other control characters have no place in a comment.
  const auto control = [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\n' && c != '\r' && c != '\t') || byte == 0x7F;
  };
  if (std::any_of(text.begin(), text.end(), control)) Refuse("comment", "must not contain control characters");
  return text;
}

/// The image's size in pixels, when the request has an image.
std::optional<std::pair<double, double>> ImageSize(const requests::RequestRecord& record) {
  const auto width = record.image.find("width");
  const auto height = record.image.find("height");
  if (width == record.image.end() || height == record.image.end() || !width->is_number() || !height->is_number()) {
    return std::nullopt;
  }
  return std::pair{width->get<double>(), height->get<double>()};
}

void CheckWrongFaces(const std::vector<std::int64_t>& indexes, std::size_t faces) {
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < indexes.size(); ++i) {
    const std::int64_t index = indexes[i];
    if (index < 0 || static_cast<std::size_t>(index) >= faces) {
      Refuse(At("wrong_faces", i), "face index " + std::to_string(index) + " out of range (the request has " +
                                       std::to_string(faces) + " faces)");
    }
    if (!seen.insert(index).second) Refuse(At("wrong_faces", i), "face index " + std::to_string(index) + " repeated");
  }
}

void CheckMissedFaces(const std::vector<Box>& boxes, const requests::RequestRecord& record) {
  if (boxes.empty()) return;
  const auto size = ImageSize(record);
  if (!size) Refuse("missed_faces", "the request has no image to mark faces in");
  const auto [width, height] = *size;
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const Box& box = boxes[i];
    const std::string field = At("missed_faces", i);
    if (box.x < 0) Refuse(field + ".x", "must not be negative");
    if (box.y < 0) Refuse(field + ".y", "must not be negative");
    if (box.width <= 0) Refuse(field + ".width", "must be positive");
    if (box.height <= 0) Refuse(field + ".height", "must be positive");
    const std::string image =
        std::to_string(static_cast<long long>(width)) + "x" + std::to_string(static_cast<long long>(height));
    if (box.x + box.width > width) Refuse(field + ".width", "the box ends outside the " + image + " image");
    if (box.y + box.height > height) Refuse(field + ".height", "the box ends outside the " + image + " image");
  }
}

}  // namespace

FeedbackInput ParseInput(const nlohmann::json& body, std::initializer_list<std::string_view> also_allowed) {
  if (!body.is_object()) throw Error(ErrorCode::kUnprocessable, "the feedback must be a JSON object");
  RefuseUnknown(body, also_allowed);
  FeedbackInput input;
  input.verdict = ParseVerdictField(body);
  input.wrong_faces = ParseWrongFaces(body);
  input.missed_faces = ParseMissedFaces(body);
  input.rating = ParseRating(body);
  input.comment = ParseComment(body);
  return input;
}

void CheckAgainst(const FeedbackInput& input, const requests::RequestRecord& record) {
  CheckWrongFaces(input.wrong_faces, record.faces.is_array() ? record.faces.size() : 0);
  CheckMissedFaces(input.missed_faces, record);
  if (input.verdict == Verdict::kCorrect && (!input.wrong_faces.empty() || !input.missed_faces.empty())) {
    Refuse("verdict", "correct, yet wrong_faces or missed_faces name faces");
  }
}

Feedback MakeFeedback(FeedbackInput input, const requests::RequestRecord& record, const std::string& user_id,
                      Channel channel, Time now) {
  Feedback feedback;
  feedback.request_id = record.request_id;
  feedback.user_id = user_id;
  feedback.request_user_id = record.user_id;
  feedback.request_received_at = record.received_at;
  feedback.verdict = input.verdict;
  feedback.wrong_faces = std::move(input.wrong_faces);
  std::sort(feedback.wrong_faces.begin(), feedback.wrong_faces.end());
  feedback.missed_faces = std::move(input.missed_faces);
  feedback.rating = input.rating;
  feedback.comment = std::move(input.comment);
  feedback.channel = channel;
  feedback.created_at = now;
  feedback.updated_at = now;
  return feedback;
}

}  // namespace faceloop::feedback
