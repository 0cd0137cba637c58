#pragma once
// The state machine of one rule: ok -> firing -> resolved (-> firing ...). Pure: the evaluator
// stores what it decides. A rule judges only on a sample of at least min_sample values; it fires
// when its comparison holds, unless it fired less than cooldown_minutes ago; it resolves when the
// comparison no longer holds.
#include <optional>
#include <string_view>

#include "alerts/metric.hpp"
#include "alerts/rule.hpp"

namespace faceloop::alerts {

enum class AlertState { kOk, kFiring, kResolved };
std::string_view StateName(AlertState state);
/// Inverse of StateName; Error(kInternal) for anything else (it is read from the database).
AlertState ParseState(std::string_view name);

enum class Transition { kFiring, kResolved };
std::string_view TransitionName(Transition transition);

/// What the rule's state was before this evaluation.
struct RuleStatus {
  AlertState state = AlertState::kOk;
  std::optional<Time> last_fired_at;
};

struct Decision {
  AlertState next = AlertState::kOk;
  std::optional<Transition> transition;  ///< set when the state changed: stored and notified
  bool suppressed = false;               ///< would have fired but for the cool-down
};

/// `value <comparator> threshold`; Error(kInternal) for an unknown comparator.
bool Compare(double value, std::string_view comparator, double threshold);

Decision Decide(const Rule& rule, const RuleStatus& status, const Observation& observation, Time now);

}  // namespace faceloop::alerts
