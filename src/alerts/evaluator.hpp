#pragma once
// The alert job (run every alerts.interval_s by the scheduler's leader): each enabled rule's
// metric measured from the rollups, its state machine advanced (state.hpp), and each transition
// stored with its notifications queued in the outbox, in one transaction. Nothing is sent here:
// the dispatcher (dispatcher.hpp) delivers, so a slow mail server or webhook never delays it.
#include <functional>
#include <string>

#include "alerts/store.hpp"
#include "insights/thresholds.hpp"

namespace faceloop::alerts {

class Evaluator {
 public:
  Evaluator(db::IDatabase& database, insights::DriftThresholds thresholds, std::function<std::string()> new_id)
      : database_(database), store_(database), thresholds_(thresholds), new_id_(std::move(new_id)) {}

  /// Evaluates every enabled rule at `now`; a rule that fails is logged and skipped (the others
  /// still run). Returns the transitions it stored.
  int EvaluateAll(Time now);

 private:
  bool Evaluate(const Rule& rule, Time now);

  db::IDatabase& database_;
  AlertStore store_;
  const insights::DriftThresholds thresholds_;
  std::function<std::string()> new_id_;
};

/// The event of a transition of `rule` on `observation`.
AlertEvent MakeEvent(const Rule& rule, Transition transition, const Observation& observation, Time now, std::string id);
/// One outbox row per e-mail address and one for the webhook.
std::vector<OutboxItem> Notifications(const Rule& rule, const AlertEvent& event,
                                      const std::function<std::string()>& new_id);

}  // namespace faceloop::alerts
