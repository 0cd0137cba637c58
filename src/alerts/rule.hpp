#pragma once
// An alert rule (docs/alerts.md): which metric of the rollups, over which window, compared how with
// what, on how large a sample, how often it may fire, and whom it tells. One type and ONE field
// list (ForEachField): the API's JSON and the alert_rules columns derive from it.
#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/field_list.hpp"

namespace faceloop::alerts {

using Time = std::chrono::system_clock::time_point;

/// Who may see a field in the API's answers (the slot a record's search type has elsewhere).
enum class Exposure {
  kShown,
  kWriteOnly,  ///< accepted, stored, never answered (the webhook's signing secret)
};
using FieldSpec = fields::FieldSpec<Exposure>;

struct Rule {
  std::string id;
  std::string name;
  std::string metric;  ///< one of Metrics() (metric.hpp)
  std::optional<std::string> feature;
  std::int64_t window_minutes = 60;
  std::string comparator = ">";  ///< <, <=, > or >=
  double threshold = 0;
  std::int64_t min_sample = 20;
  std::int64_t cooldown_minutes = 60;
  std::vector<std::string> emails;
  std::optional<std::string> webhook_url;
  std::optional<std::string> webhook_secret;
  bool enabled = true;
  Time created_at;
  Time updated_at;
};

template <typename Record, typename Visit>
requires std::same_as<std::remove_const_t<Record>, Rule>
void ForEachField(Record& r, Visit&& visit) {
  using E = Exposure;
  visit(FieldSpec{"id", "id", E::kShown, "the rule's id"}, r.id);
  visit(FieldSpec{"name", "name", E::kShown, "what the alert says, for people"}, r.name);
  visit(FieldSpec{"metric", "metric", E::kShown, "the measured quantity (docs/alerts.md#metrics)"}, r.metric);
  visit(FieldSpec{"feature", "feature", E::kShown, "the feature of a drift metric"}, r.feature);
  visit(FieldSpec{"window_minutes", "window_minutes", E::kShown, "how far back the metric looks"}, r.window_minutes);
  visit(FieldSpec{"comparator", "comparator", E::kShown, "<, <=, > or >="}, r.comparator);
  visit(FieldSpec{"threshold", "threshold", E::kShown, "the value compared with"}, r.threshold);
  visit(FieldSpec{"min_sample", "min_sample", E::kShown, "values needed before the rule judges"}, r.min_sample);
  visit(FieldSpec{"cooldown_minutes", "cooldown_minutes", E::kShown, "least time between two firings"},
        r.cooldown_minutes);
  visit(FieldSpec{"emails", "emails_json", E::kShown, "addresses told of each transition"}, r.emails);
  visit(FieldSpec{"webhook_url", "webhook_url", E::kShown, "URL POSTed each transition (admins only)"}, r.webhook_url);
  visit(FieldSpec{"webhook_secret", "webhook_secret", E::kWriteOnly, "HMAC-SHA256 key of the webhook's signature"},
        r.webhook_secret);
  visit(FieldSpec{"enabled", "enabled", E::kShown, "whether it is evaluated"}, r.enabled);
  visit(FieldSpec{"created_at", "created_at", E::kShown, "when it was made"}, r.created_at);
  visit(FieldSpec{"updated_at", "updated_at", E::kShown, "when it was last replaced"}, r.updated_at);
}

/// The API's JSON form: every shown field; `webhook_secret_set` instead of the secret.
nlohmann::json ToJson(const Rule& rule);

}  // namespace faceloop::alerts
