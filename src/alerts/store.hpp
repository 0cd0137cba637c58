#pragma once
// The alert tables (migration v8): rules, each rule's state, its transitions (events) and the
// outbox of their notifications. Nothing else runs SQL on them.
#include <concepts>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "alerts/metric.hpp"
#include "alerts/rule.hpp"
#include "alerts/state.hpp"
#include "db/database.hpp"

namespace faceloop::alerts {

/// One stored transition (alert_events), with its field list: the API's JSON, the webhook's
/// payload and the columns derive from it.
struct AlertEvent {
  std::string id;
  std::string rule_id;
  std::string rule_name;
  std::string metric;
  std::string transition;  ///< TransitionName
  std::optional<double> value;
  double threshold = 0;
  std::string comparator;
  std::int64_t sample = 0;
  Time window_from;
  Time window_to;
  Time occurred_at;
};

template <typename Record, typename Visit>
requires std::same_as<std::remove_const_t<Record>, AlertEvent>
void ForEachField(Record& e, Visit&& visit) {
  using E = Exposure;
  visit(FieldSpec{"id", "id", E::kShown, "the event's id (time-ordered)"}, e.id);
  visit(FieldSpec{"rule_id", "rule_id", E::kShown, "the rule"}, e.rule_id);
  visit(FieldSpec{"rule_name", "rule_name", E::kShown, "its name then"}, e.rule_name);
  visit(FieldSpec{"metric", "metric", E::kShown, "its metric"}, e.metric);
  visit(FieldSpec{"transition", "transition", E::kShown, "firing or resolved"}, e.transition);
  visit(FieldSpec{"value", "value", E::kShown, "the metric's value"}, e.value);
  visit(FieldSpec{"threshold", "threshold", E::kShown, "the rule's threshold"}, e.threshold);
  visit(FieldSpec{"comparator", "comparator", E::kShown, "the rule's comparator"}, e.comparator);
  visit(FieldSpec{"sample", "sample", E::kShown, "values the value rests on"}, e.sample);
  visit(FieldSpec{"window_from", "window_from", E::kShown, "the window measured, from"}, e.window_from);
  visit(FieldSpec{"window_to", "window_to", E::kShown, "to"}, e.window_to);
  visit(FieldSpec{"occurred_at", "occurred_at", E::kShown, "when it was decided"}, e.occurred_at);
}
nlohmann::json ToJson(const AlertEvent& event);

/// A notification waiting in (or delivered from) the outbox (alert_outbox).
struct OutboxItem {
  std::string id;
  std::string event_id;
  std::string channel;  ///< email | webhook
  std::string target;   ///< the address or the URL
  std::optional<std::string> secret;
  std::string payload;  ///< the event's JSON text
  std::int64_t attempts = 0;
  Time next_attempt_at;
  Time created_at;
};

template <typename Record, typename Visit>
requires std::same_as<std::remove_const_t<Record>, OutboxItem>
void ForEachField(Record& o, Visit&& visit) {
  using E = Exposure;
  visit(FieldSpec{"id", "id", E::kShown, ""}, o.id);
  visit(FieldSpec{"event_id", "event_id", E::kShown, ""}, o.event_id);
  visit(FieldSpec{"channel", "channel", E::kShown, ""}, o.channel);
  visit(FieldSpec{"target", "target", E::kShown, ""}, o.target);
  visit(FieldSpec{"secret", "secret", E::kWriteOnly, ""}, o.secret);
  visit(FieldSpec{"payload", "payload", E::kShown, ""}, o.payload);
  visit(FieldSpec{"attempts", "attempts", E::kShown, ""}, o.attempts);
  visit(FieldSpec{"next_attempt_at", "next_attempt_at", E::kShown, ""}, o.next_attempt_at);
  visit(FieldSpec{"created_at", "created_at", E::kShown, ""}, o.created_at);
}

struct EventQuery {
  std::optional<std::string> rule_id;
  std::optional<std::string> before_id;  ///< cursor: ids strictly below it
  int limit = 50;
};

class AlertStore {
 public:
  explicit AlertStore(db::IDatabase& database) : database_(database) {}

  // Rules.
  void Insert(const Rule& rule);
  /// Replaces the stored rule of the same id; false when there is none.
  bool Replace(const Rule& rule);
  bool Delete(const std::string& id);
  std::optional<Rule> Find(const std::string& id);
  std::vector<Rule> List(bool enabled_only = false);

  // State and transitions.
  RuleStatus Status(const std::string& rule_id);
  /// Stores the rule's measurement and, with a transition, its new state, its event and one outbox
  /// row per channel and target, all in one transaction: a transition is stored and queued
  /// together or not at all. The transition is taken only if the state is still `previous`
  /// (what it was decided from); returns false when it was not (nothing stored, nothing sent).
  bool Record(const Rule& rule, AlertState previous, const Decision& decision, const Observation& observation, Time now,
              const std::optional<AlertEvent>& event, const std::vector<OutboxItem>& notifications);
  std::vector<AlertEvent> Events(const EventQuery& query);

  // Outbox.
  /// Up to `limit` undelivered notifications due at `now`, oldest first.
  std::vector<OutboxItem> Due(Time now, int limit);
  /// Takes `item` for delivery until `lease_until`: false when another process took it first.
  bool Claim(const OutboxItem& item, Time lease_until);
  void Delivered(const std::string& id, Time now);
  /// A failed attempt: tried again at `next` or, with `give_up`, never.
  void Retry(const std::string& id, Time next, const std::string& error, bool give_up, Time now);

 private:
  db::IDatabase& database_;
};

}  // namespace faceloop::alerts
