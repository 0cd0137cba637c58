#include "alerts/evaluator.hpp"

#include "telemetry/log.hpp"

namespace faceloop::alerts {
namespace {

const telemetry::Logger kLog("alerts");

}  // namespace

AlertEvent MakeEvent(const Rule& rule, Transition transition, const Observation& observation, Time now,
                     std::string id) {
  return {std::move(id),
          rule.id,
          rule.name,
          rule.metric,
          std::string(TransitionName(transition)),
          observation.value,
          rule.threshold,
          rule.comparator,
          observation.sample,
          observation.window.from,
          observation.window.to,
          now};
}

std::vector<OutboxItem> Notifications(const Rule& rule, const AlertEvent& event,
                                      const std::function<std::string()>& new_id) {
  nlohmann::json payload = ToJson(event);
  if (rule.feature) payload["feature"] = *rule.feature;
  const std::string text = payload.dump();
  std::vector<OutboxItem> items;
  for (const std::string& address : rule.emails) {
    items.push_back(
        {new_id(), event.id, "email", address, std::nullopt, text, 0, event.occurred_at, event.occurred_at});
  }
  if (rule.webhook_url) {
    items.push_back({new_id(), event.id, "webhook", *rule.webhook_url, rule.webhook_secret, text, 0, event.occurred_at,
                     event.occurred_at});
  }
  return items;
}

int Evaluator::EvaluateAll(Time now) {
  int transitions = 0;
  for (const Rule& rule : store_.List(/*enabled_only=*/true)) {
    try {
      transitions += Evaluate(rule, now) ? 1 : 0;
    } catch (const std::exception& e) {
      kLog.Warn("rule " + rule.id + " not evaluated: " + e.what());
    }
  }
  return transitions;
}

bool Evaluator::Evaluate(const Rule& rule, Time now) {
  const Observation observation = Measure(database_, rule, now, thresholds_);
  const RuleStatus status = store_.Status(rule.id);
  const Decision decision = Decide(rule, status, observation, now);
  std::optional<AlertEvent> event;
  std::vector<OutboxItem> notifications;
  if (decision.transition) {
    event = MakeEvent(rule, *decision.transition, observation, now, new_id_());
    notifications = Notifications(rule, *event, new_id_);
  }
  const bool stored = store_.Record(rule, status.state, decision, observation, now, event, notifications);
  if (event && stored) kLog.Info("alert " + rule.id + " " + event->transition);
  return event && stored;
}

}  // namespace faceloop::alerts
