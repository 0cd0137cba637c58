#pragma once
// The TOML half of config_schedules.hpp, for config.cpp only (keeps toml++ out of config.hpp).
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "service/config_schedules.hpp"

namespace faceloop::service {

/// The [scheduler] / [alerts] tables: unknown keys appended to `unknown` ("alerts.x"), wrong types
/// Error(kBadRequest) naming the key.
void ApplySchedulerToml(SchedulerConfig& config, const toml::table& table, std::vector<std::string>& unknown);
void ApplyAlertsToml(AlertsConfig& config, const toml::table& table, std::vector<std::string>& unknown);

}  // namespace faceloop::service
