#include "service/config_schedules_toml.hpp"

#include <cctype>
#include <charconv>
#include <sstream>

#include <toml++/toml.h>

#include "common/error.hpp"

namespace faceloop::service {
namespace {

[[noreturn]] void Fail(const std::string& message) { throw Error(ErrorCode::kBadRequest, message); }

template <typename T>
void ReadNode(const toml::node& node, const std::string& path, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!node.is_boolean()) Fail("config: " + path + " must be true or false");
    out = *node.value<bool>();
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    const toml::array* array = node.as_array();
    if (array == nullptr) Fail("config: " + path + " must be an array of strings");
    out.clear();
    for (const toml::node& item : *array) {
      if (!item.is_string()) Fail("config: " + path + " must be an array of strings");
      out.push_back(*item.value<std::string>());
    }
  } else {
    if (!node.is_integer()) Fail("config: " + path + " must be an integer");
    out = static_cast<T>(*node.value<std::int64_t>());
  }
}

template <typename Config>
void ApplyTable(Config& config, const toml::table& table, const std::string& prefix,
                std::vector<std::string>& unknown) {
  for (const auto& entry : table) {
    const std::string_view key = entry.first.str();  // not a structured binding: lambdas capture it
    const toml::node& node = entry.second;
    bool known = false;
    Config::ForEachKey(config, [&](std::string_view name, auto& value) {
      if (name != key) return;
      known = true;
      ReadNode(node, prefix + std::string(name), value);
    });
    if (!known) unknown.push_back(prefix + std::string(key));
  }
}

template <typename T>
void ParseText(const std::string& variable, const std::string& text, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (text != "true" && text != "false" && text != "1" && text != "0") Fail(variable + " must be true or false");
    out = text == "true" || text == "1";
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    out.clear();
    std::stringstream stream(text);
    for (std::string item; std::getline(stream, item, ',');) {
      if (!item.empty()) out.push_back(item);
    }
  } else {
    T parsed{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec != std::errc() || end != text.data() + text.size()) Fail(variable + " must be a whole number");
    out = parsed;
  }
}

template <typename Config>
void ApplyEnv(Config& config, const std::string& prefix,
              const std::function<std::optional<std::string>(const char*)>& env) {
  Config::ForEachKey(config, [&](std::string_view name, auto& value) {
    std::string variable = prefix;
    for (const char c : name) variable += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (const auto text = env(variable.c_str())) ParseText(variable, *text, value);
  });
}

}  // namespace

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
