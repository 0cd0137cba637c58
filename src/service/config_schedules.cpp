#include "service/config_schedules_toml.hpp"

#include "service/config_table.hpp"

namespace faceloop::service {

using config_table::ApplyEnv;
using config_table::ApplyTable;
using config_table::Fail;

void ApplySchedulerToml(SchedulerConfig& config, const toml::table& table, std::vector<std::string>& unknown) {
  ApplyTable(config, table, "scheduler.", unknown);
}

void ApplyAlertsToml(AlertsConfig& config, const toml::table& table, std::vector<std::string>& unknown) {
  ApplyTable(config, table, "alerts.", unknown);
}

void ApplySchedulesEnvironment(SchedulerConfig& scheduler, AlertsConfig& alerts,
                               const std::function<std::optional<std::string>(const char*)>& env) {
  ApplyEnv(scheduler, "FACELOOP_SCHEDULER_", env);
  ApplyEnv(alerts, "FACELOOP_ALERTS_", env);
}

void ValidateSchedules(const SchedulerConfig& scheduler, const AlertsConfig& alerts) {
  if (scheduler.tick_ms < 10) Fail("config: scheduler.tick_ms must be >= 10");
  const std::pair<const char*, int> positive[] = {{"alerts.interval_s", alerts.interval_s},
                                                  {"alerts.dispatch_poll_ms", alerts.dispatch_poll_ms},
                                                  {"alerts.retry_base_ms", alerts.retry_base_ms},
                                                  {"alerts.retry_max_s", alerts.retry_max_s},
                                                  {"alerts.max_age_h", alerts.max_age_h}};
  for (const auto& [name, value] : positive) {
    if (value < 1) Fail(std::string("config: ") + name + " must be > 0");
  }
}

}  // namespace faceloop::service
