#pragma once
// The [scheduler] and [alerts] tables of the configuration (docs/alerts.md), kept apart from
// config.cpp's tables; ResolveConfig applies and checks them like the others. Each struct's
// ForEachKey is the one list of its keys (TOML names; environment names derive from them).
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faceloop::service {

struct SchedulerConfig {
  bool enabled = true;  ///< whether `serve` runs the scheduler (`worker` always does)
  int tick_ms = 5000;   ///< how often due jobs are looked for and a follower asks for the lock

  template <typename Self, typename Visit>
  static void ForEachKey(Self& self, Visit&& visit) {
    visit(std::string_view("enabled"), self.enabled);
    visit(std::string_view("tick_ms"), self.tick_ms);
  }
};

struct AlertsConfig {
  int interval_s = 60;                     ///< how often the rules are evaluated
  std::vector<std::string> webhook_allow;  ///< CIDRs webhooks may reach although blocked by default
  int dispatch_poll_ms = 1000;             ///< how often the outbox is looked at
  int retry_base_ms = 2000;                ///< first retry of a failed notification
  int retry_max_s = 300;                   ///< longest wait between two tries
  int max_age_h = 24;                      ///< a notification not delivered by then is given up

  template <typename Self, typename Visit>
  static void ForEachKey(Self& self, Visit&& visit) {
    visit(std::string_view("interval_s"), self.interval_s);
    visit(std::string_view("webhook_allow"), self.webhook_allow);
    visit(std::string_view("dispatch_poll_ms"), self.dispatch_poll_ms);
    visit(std::string_view("retry_base_ms"), self.retry_base_ms);
    visit(std::string_view("retry_max_s"), self.retry_max_s);
    visit(std::string_view("max_age_h"), self.max_age_h);
  }
};

/// FACELOOP_SCHEDULER_<KEY> and FACELOOP_ALERTS_<KEY> (a list comma-separated).
void ApplySchedulesEnvironment(SchedulerConfig& scheduler, AlertsConfig& alerts,
                               const std::function<std::optional<std::string>(const char*)>& env);

/// Ranges: every period and count > 0. Error(kBadRequest) naming the key.
void ValidateSchedules(const SchedulerConfig& scheduler, const AlertsConfig& alerts);

}  // namespace faceloop::service
