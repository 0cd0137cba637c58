#pragma once
// The JSON form of a record with one field list (see field_list.hpp): each field under its name,
// an absent optional left out, null read as absent, a missing required field or a wrongly typed
// one a precise 400 naming it. The walk is the same for every record; the encodings are the
// record's codec:
//
//   struct MyCodec : fields::JsonCodec {
//     using JsonCodec::Decode;
//     using JsonCodec::Encode;
//     static constexpr std::string_view kRecord = "my record";  // for messages
//     static bool Required(std::string_view field);
//     // Encode / Decode overloads for the record's own member types
//   };
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/is_optional.hpp"
#include "common/time.hpp"

namespace faceloop::fields {

/// The field being decoded, for messages: its record's noun and its name.
struct JsonField {
  std::string_view record;
  std::string_view name;
};

[[noreturn]] inline void WrongType(const JsonField& field, std::string_view expected) {
  throw Error(ErrorCode::kBadRequest,
              std::string(field.record) + " field " + std::string(field.name) + " must be " + std::string(expected));
}

/// The encodings of the member types every record may have; a record's codec derives from it.
struct JsonCodec {
  using Time = std::chrono::system_clock::time_point;

  static nlohmann::json Encode(const std::string& value) { return value; }
  static nlohmann::json Encode(std::int64_t value) { return value; }
  static nlohmann::json Encode(double value) { return value; }
  static nlohmann::json Encode(bool value) { return value; }
  static nlohmann::json Encode(const Time& value) { return FormatTimestamp(value); }

  static void Decode(const JsonField& field, const nlohmann::json& json, std::string& out) {
    if (!json.is_string()) WrongType(field, "a string");
    out = json.get<std::string>();
  }
  static void Decode(const JsonField& field, const nlohmann::json& json, std::int64_t& out) {
    if (!json.is_number_integer()) WrongType(field, "an integer");
    out = json.get<std::int64_t>();
  }
  static void Decode(const JsonField& field, const nlohmann::json& json, double& out) {
    if (!json.is_number()) WrongType(field, "a number");
    out = json.get<double>();
  }
  static void Decode(const JsonField& field, const nlohmann::json& json, bool& out) {
    if (!json.is_boolean()) WrongType(field, "true or false");
    out = json.get<bool>();
  }
  static void Decode(const JsonField& field, const nlohmann::json& json, Time& out) {
    if (!json.is_string()) WrongType(field, "an RFC 3339 time");
    out = ParseTimestamp(json.get_ref<const std::string&>());
  }
};

/// The record as a JSON object, its fields in field-list order.
template <typename Codec, typename Record>
nlohmann::json ToJson(const Record& record) {
  nlohmann::json json = nlohmann::json::object();
  ForEachField(record, [&json](const auto& field, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (IsOptional<T>::value) {
      if (value) json[std::string(field.name)] = Codec::Encode(*value);
    } else {
      json[std::string(field.name)] = Codec::Encode(value);
    }
  });
  return json;
}

/// The inverse of ToJson; unknown names are ignored. Throws Error(kBadRequest).
template <typename Codec, typename Record>
Record FromJson(const nlohmann::json& json) {
  const std::string noun(Codec::kRecord);
  if (!json.is_object()) throw Error(ErrorCode::kBadRequest, "a " + noun + " must be a JSON object");
  Record record;
  ForEachField(record, [&json, &noun](const auto& spec, auto& value) {
    const auto it = json.find(spec.name);
    if (it == json.end() || it->is_null()) {
      if (Codec::Required(spec.name)) throw Error(ErrorCode::kBadRequest, noun + " without " + std::string(spec.name));
      return;
    }
    const JsonField field{Codec::kRecord, spec.name};
    using T = std::decay_t<decltype(value)>;
    if constexpr (IsOptional<T>::value) {
      typename T::value_type decoded{};
      Codec::Decode(field, *it, decoded);
      value = std::move(decoded);
    } else {
      Codec::Decode(field, *it, value);
    }
  });
  return record;
}

/// The `properties` of a record's search-index mapping: `mapping(search)` per field name.
template <typename Record, typename Mapping>
nlohmann::json SearchProperties(const Record& shape, Mapping&& mapping) {
  nlohmann::json properties = nlohmann::json::object();
  ForEachField(shape, [&properties, &mapping](const auto& field, const auto&) {
    properties[std::string(field.name)] = mapping(field.search);
  });
  return properties;
}

}  // namespace faceloop::fields
