#include "feedback/feedback_json.hpp"

#include <utility>

#include "common/error.hpp"
#include "common/field_json.hpp"

namespace faceloop::feedback {
namespace {

/// The feedback's own encodings on top of the shared ones: the enums by name, the face lists as
/// arrays. Every member but the optional ones is required.
struct FeedbackCodec : fields::JsonCodec {
  using JsonCodec::Decode;
  using JsonCodec::Encode;

  static constexpr std::string_view kRecord = "feedback";

  static bool Required(std::string_view field) {
    return field != "rating" && field != "comment";  // the only optional members
  }

  static nlohmann::json Encode(Verdict value) { return ToString(value); }
  static nlohmann::json Encode(Channel value) { return ToString(value); }
  static nlohmann::json Encode(const std::vector<std::int64_t>& value) { return value; }
  static nlohmann::json Encode(const std::vector<Box>& value) { return value; }

  static void Decode(const fields::JsonField& field, const nlohmann::json& json, Verdict& out) {
    const auto verdict = json.is_string() ? ParseVerdict(json.get_ref<const std::string&>()) : std::nullopt;
    if (!verdict) fields::WrongType(field, "a verdict");
    out = *verdict;
  }
  static void Decode(const fields::JsonField& field, const nlohmann::json& json, Channel& out) {
    const auto channel = json.is_string() ? ParseChannel(json.get_ref<const std::string&>()) : std::nullopt;
    if (!channel) fields::WrongType(field, "a channel");
    out = *channel;
  }
  static void Decode(const fields::JsonField& field, const nlohmann::json& json, std::vector<std::int64_t>& out) {
    if (!json.is_array()) fields::WrongType(field, "an array");
    out.clear();
    for (const auto& item : json) {
      if (!item.is_number_integer()) fields::WrongType(field, "an array of integers");
      out.push_back(item.get<std::int64_t>());
    }
  }
  static void Decode(const fields::JsonField& field, const nlohmann::json& json, std::vector<Box>& out) {
    if (!json.is_array()) fields::WrongType(field, "an array");
    out = json.get<std::vector<Box>>();
  }
};

std::string_view TypeName(SearchType type) {
  switch (type) {
    case SearchType::kKeyword: return "keyword";
    case SearchType::kDate: return "date";
    case SearchType::kInteger: return "integer";
    case SearchType::kText: return "text";
    case SearchType::kBoxes: return "object array";
  }
  return "keyword";
}

nlohmann::json Mapping(SearchType type) {
  if (type != SearchType::kBoxes) return {{"type", TypeName(type)}};
  const nlohmann::json number = {{"type", "float"}};
  return {{"type", "object"},
          {"dynamic", false},
          {"properties", {{"x", number}, {"y", number}, {"width", number}, {"height", number}}}};
}

const Feedback kShape{};  // only its field list is used

}  // namespace

void to_json(nlohmann::json& json, const Box& box) {
  json = {{"x", box.x}, {"y", box.y}, {"width", box.width}, {"height", box.height}};
}

void from_json(const nlohmann::json& json, Box& box) {
  if (!json.is_object()) throw Error(ErrorCode::kBadRequest, "a box must be an object");
  for (auto [name, member] : {std::pair{"x", &box.x}, std::pair{"y", &box.y}, std::pair{"width", &box.width},
                              std::pair{"height", &box.height}}) {
    const auto it = json.find(name);
    if (it == json.end() || !it->is_number()) {
      throw Error(ErrorCode::kBadRequest, std::string("a box needs a number ") + name);
    }
    *member = it->get<double>();
  }
}

nlohmann::json ToJson(const Feedback& feedback) { return fields::ToJson<FeedbackCodec>(feedback); }

Feedback FromJson(const nlohmann::json& json) { return fields::FromJson<FeedbackCodec, Feedback>(json); }

nlohmann::json SearchProperties() { return fields::SearchProperties(kShape, Mapping); }

std::string FieldsMarkdown() { return fields::FieldsMarkdown(kShape, TypeName); }

}  // namespace faceloop::feedback
