#include "feedback/feedback_json.hpp"

#include <type_traits>
#include <utility>

#include "common/error.hpp"
#include "common/time.hpp"

namespace faceloop::feedback {
namespace {

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

[[noreturn]] void WrongType(std::string_view field, std::string_view expected) {
  throw Error(ErrorCode::kBadRequest, "feedback field " + std::string(field) + " must be " + std::string(expected));
}

nlohmann::json Encode(const std::string& value) { return value; }
nlohmann::json Encode(std::int64_t value) { return value; }
nlohmann::json Encode(const Time& value) { return FormatTimestamp(value); }
nlohmann::json Encode(Verdict value) { return ToString(value); }
nlohmann::json Encode(Channel value) { return ToString(value); }
nlohmann::json Encode(const std::vector<std::int64_t>& value) { return value; }
nlohmann::json Encode(const std::vector<Box>& value) { return value; }

void Decode(std::string_view field, const nlohmann::json& json, std::string& out) {
  if (!json.is_string()) WrongType(field, "a string");
  out = json.get<std::string>();
}
void Decode(std::string_view field, const nlohmann::json& json, std::int64_t& out) {
  if (!json.is_number_integer()) WrongType(field, "an integer");
  out = json.get<std::int64_t>();
}
void Decode(std::string_view field, const nlohmann::json& json, Time& out) {
  if (!json.is_string()) WrongType(field, "an RFC 3339 time");
  out = ParseTimestamp(json.get_ref<const std::string&>());
}
void Decode(std::string_view field, const nlohmann::json& json, Verdict& out) {
  const auto verdict = json.is_string() ? ParseVerdict(json.get_ref<const std::string&>()) : std::nullopt;
  if (!verdict) WrongType(field, "a verdict");
  out = *verdict;
}
void Decode(std::string_view field, const nlohmann::json& json, Channel& out) {
  const auto channel = json.is_string() ? ParseChannel(json.get_ref<const std::string&>()) : std::nullopt;
  if (!channel) WrongType(field, "a channel");
  out = *channel;
}
void Decode(std::string_view field, const nlohmann::json& json, std::vector<std::int64_t>& out) {
  if (!json.is_array()) WrongType(field, "an array");
  out.clear();
  for (const auto& item : json) {
    if (!item.is_number_integer()) WrongType(field, "an array of integers");
    out.push_back(item.get<std::int64_t>());
  }
}
void Decode(std::string_view field, const nlohmann::json& json, std::vector<Box>& out) {
  if (!json.is_array()) WrongType(field, "an array");
  out = json.get<std::vector<Box>>();
}

bool Required(std::string_view field) {
  return field != "rating" && field != "comment";  // the only optional members
}

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

nlohmann::json ToJson(const Feedback& feedback) {
  nlohmann::json json = nlohmann::json::object();
  ForEachField(feedback, [&json](const FieldSpec& field, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (IsOptional<T>::value) {
      if (value) json[std::string(field.name)] = Encode(*value);
    } else {
      json[std::string(field.name)] = Encode(value);
    }
  });
  return json;
}

Feedback FromJson(const nlohmann::json& json) {
  if (!json.is_object()) throw Error(ErrorCode::kBadRequest, "a feedback must be a JSON object");
  Feedback feedback;
  ForEachField(feedback, [&json](const FieldSpec& field, auto& value) {
    const auto it = json.find(field.name);
    if (it == json.end() || it->is_null()) {
      if (Required(field.name)) throw Error(ErrorCode::kBadRequest, "feedback without " + std::string(field.name));
      return;
    }
    using T = std::decay_t<decltype(value)>;
    if constexpr (IsOptional<T>::value) {
      typename T::value_type decoded{};
      Decode(field.name, *it, decoded);
      value = std::move(decoded);
    } else {
      Decode(field.name, *it, value);
    }
  });
  return feedback;
}

nlohmann::json SearchProperties() {
  nlohmann::json properties = nlohmann::json::object();
  ForEachField(kShape, [&properties](const FieldSpec& field, const auto&) {
    properties[std::string(field.name)] = Mapping(field.search);
  });
  return properties;
}

std::string FieldsMarkdown() {
  std::string table = "| field | type | database column | meaning |\n|---|---|---|---|\n";
  ForEachField(kShape, [&table](const FieldSpec& field, const auto&) {
    table += "| `" + std::string(field.name) + "` | " + std::string(TypeName(field.search)) + " | `" +
             std::string(field.column) + "` | " + std::string(field.doc) + " |\n";
  });
  return table;
}

}  // namespace faceloop::feedback
