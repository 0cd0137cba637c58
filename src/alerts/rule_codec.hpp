#pragma once
// The encodings of a Rule's own member types on top of the shared ones: the e-mail addresses are
// a JSON array (a JSON text column in the database). Used by rule.cpp and store.cpp.
#include <string>
#include <vector>

#include "common/field_json.hpp"
#include "db/typed_row.hpp"

namespace faceloop::alerts {

struct RuleJsonCodec : fields::JsonCodec {
  using JsonCodec::Decode;
  using JsonCodec::Encode;
  static constexpr std::string_view kRecord = "alert rule";
  static bool Required(std::string_view) { return false; }
  static nlohmann::json Encode(const std::vector<std::string>& values) { return values; }
  static void Decode(const fields::JsonField& field, const nlohmann::json& json, std::vector<std::string>& out) {
    if (!json.is_array()) fields::WrongType(field, "an array of strings");
    for (const auto& item : json) {
      if (!item.is_string()) fields::WrongType(field, "an array of strings");
      out.push_back(item.get<std::string>());
    }
  }
};

struct RuleRowCodec : db::RowCodec {
  using RowCodec::FromValue;
  using RowCodec::ToValue;
  static db::Value ToValue(const std::vector<std::string>& values) { return nlohmann::json(values).dump(); }
  static void FromValue(const db::Row& row, std::size_t at, std::string_view, std::vector<std::string>& out) {
    const auto json = nlohmann::json::parse(row.Get<std::string>(at), nullptr, /*allow_exceptions=*/false);
    if (!json.is_array()) throw Error(ErrorCode::kInternal, "alert_rules: emails_json does not hold an array");
    for (const auto& item : json) out.push_back(item.get<std::string>());
  }
  static void NullInRequired(std::string_view column) {
    throw Error(ErrorCode::kInternal, "alert_rules: NULL in " + std::string(column));
  }
};

}  // namespace faceloop::alerts
