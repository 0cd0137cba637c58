#include "alerts/rule.hpp"

#include "alerts/rule_codec.hpp"

namespace faceloop::alerts {

nlohmann::json ToJson(const Rule& rule) {
  nlohmann::json json = fields::ToJson<RuleJsonCodec>(rule);
  ForEachField(rule, [&json](const FieldSpec& field, const auto&) {
    if (field.search == Exposure::kWriteOnly) json.erase(std::string(field.name));
  });
  json["webhook_secret_set"] = rule.webhook_secret.has_value();
  return json;
}

}  // namespace faceloop::alerts
