#include "alerts/state.hpp"

#include <array>

#include "common/error.hpp"

namespace faceloop::alerts {
namespace {

constexpr std::array<std::string_view, 3> kStates = {"ok", "firing", "resolved"};

}  // namespace

std::string_view StateName(AlertState state) { return kStates.at(static_cast<std::size_t>(state)); }

AlertState ParseState(std::string_view name) {
  for (std::size_t i = 0; i < kStates.size(); ++i) {
    if (kStates[i] == name) return static_cast<AlertState>(i);
  }
  throw Error(ErrorCode::kInternal, "alert_states: unknown state " + std::string(name));
}

std::string_view TransitionName(Transition transition) {
  return transition == Transition::kFiring ? "firing" : "resolved";
}

bool Compare(double value, std::string_view comparator, double threshold) {
  if (comparator == "<") return value < threshold;
  if (comparator == "<=") return value <= threshold;
  if (comparator == ">") return value > threshold;
  if (comparator == ">=") return value >= threshold;
  throw Error(ErrorCode::kInternal, "alerts: unknown comparator " + std::string(comparator));
}

Decision Decide(const Rule& rule, const RuleStatus& status, const Observation& observation, Time now) {
  const Decision unchanged{status.state, std::nullopt};
  // Too little data says nothing either way: neither fire nor resolve on it.
  if (!observation.value || observation.sample < rule.min_sample) return unchanged;
  const bool breached = Compare(*observation.value, rule.comparator, rule.threshold);
  if (status.state == AlertState::kFiring) {
    return breached ? unchanged : Decision{AlertState::kResolved, Transition::kResolved};
  }
  if (!breached) return unchanged;
  if (status.last_fired_at && now - *status.last_fired_at < std::chrono::minutes(rule.cooldown_minutes)) {
    return {status.state, std::nullopt, true};
  }
  return {AlertState::kFiring, Transition::kFiring};
}

}  // namespace faceloop::alerts
