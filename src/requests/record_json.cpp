#include "requests/record_json.hpp"

#include <string>
#include <type_traits>

#include "common/error.hpp"
#include "common/time.hpp"

namespace faceloop::requests {
namespace {

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

nlohmann::json Encode(const std::string& value) { return value; }
nlohmann::json Encode(std::int64_t value) { return value; }
nlohmann::json Encode(double value) { return value; }
nlohmann::json Encode(bool value) { return value; }
nlohmann::json Encode(const Time& value) { return FormatTimestamp(value); }
nlohmann::json Encode(const nlohmann::json& value) { return value; }

[[noreturn]] void WrongType(std::string_view field, std::string_view expected) {
  throw Error(ErrorCode::kBadRequest,
              "request record field " + std::string(field) + " must be " + std::string(expected));
}

void Decode(std::string_view field, const nlohmann::json& json, std::string& out) {
  if (!json.is_string()) WrongType(field, "a string");
  out = json.get<std::string>();
}
void Decode(std::string_view field, const nlohmann::json& json, std::int64_t& out) {
  if (!json.is_number_integer()) WrongType(field, "an integer");
  out = json.get<std::int64_t>();
}
void Decode(std::string_view field, const nlohmann::json& json, double& out) {
  if (!json.is_number()) WrongType(field, "a number");
  out = json.get<double>();
}
void Decode(std::string_view field, const nlohmann::json& json, bool& out) {
  if (!json.is_boolean()) WrongType(field, "true or false");
  out = json.get<bool>();
}
void Decode(std::string_view field, const nlohmann::json& json, Time& out) {
  if (!json.is_string()) WrongType(field, "an RFC 3339 time");
  out = ParseTimestamp(json.get_ref<const std::string&>());
}
void Decode(std::string_view field, const nlohmann::json& json, nlohmann::json& out) {
  const bool faces = field == "faces";
  if (faces ? !json.is_array() : !json.is_object()) WrongType(field, faces ? "an array" : "an object");
  out = json;
}

/// Fields a record cannot do without; everything else may be absent (older records, failures).
bool Required(std::string_view field) { return field == "request_id" || field == "received_at" || field == "user_id"; }

}  // namespace

nlohmann::json ToJson(const RequestRecord& record) {
  nlohmann::json json = nlohmann::json::object();
  ForEachField(record, [&json](const FieldSpec& field, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (IsOptional<T>::value) {
      if (value) json[std::string(field.name)] = Encode(*value);
    } else {
      json[std::string(field.name)] = Encode(value);
    }
  });
  return json;
}

RequestRecord FromJson(const nlohmann::json& json) {
  if (!json.is_object()) throw Error(ErrorCode::kBadRequest, "a request record must be a JSON object");
  RequestRecord record;
  ForEachField(record, [&json](const FieldSpec& field, auto& value) {
    const auto it = json.find(field.name);
    const bool present = it != json.end() && !it->is_null();
    if (!present) {
      if (Required(field.name)) {
        throw Error(ErrorCode::kBadRequest, "request record without " + std::string(field.name));
      }
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
  return record;
}

}  // namespace faceloop::requests
