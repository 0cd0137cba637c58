#include "service/config.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <toml++/toml.h>

#include "common/error.hpp"
#include "mail/message.hpp"
#include "reports/zone.hpp"
#include "service/config_rating_toml.hpp"
#include "service/config_schedules_toml.hpp"
#include "service/config_table.hpp"
#include "telemetry/log.hpp"

namespace faceloop::service {
namespace {

[[noreturn]] void Fail(const std::string& message) { throw Error(ErrorCode::kBadRequest, message); }

template <typename T>
void Read(const toml::table& table, std::string_view key, std::string_view path, T& out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return;
  if constexpr (std::is_same_v<T, bool>) {
    if (!node->is_boolean()) Fail("config: " + std::string(path) + " must be true or false");
    out = *node->value<bool>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!node->is_string()) Fail("config: " + std::string(path) + " must be a string");
    out = *node->value<std::string>();
  } else if constexpr (std::is_floating_point_v<T>) {
    const auto value = node->value<double>();  // accepts integers too
    if (!value) Fail("config: " + std::string(path) + " must be a number");
    out = static_cast<T>(*value);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    const toml::array* array = node->as_array();
    if (array == nullptr) Fail("config: " + std::string(path) + " must be an array of strings");
    out.clear();
    for (const toml::node& item : *array) {
      if (!item.is_string()) Fail("config: " + std::string(path) + " must be an array of strings");
      out.push_back(*item.value<std::string>());
    }
  } else {
    if (!node->is_integer()) Fail("config: " + std::string(path) + " must be an integer");
    out = static_cast<T>(*node->value<std::int64_t>());
  }
}

void CheckKnown(const toml::table& table, const std::vector<std::string_view>& known, const std::string& prefix,
                std::vector<std::string>& unknown) {
  for (const auto& [key, node] : table) {
    bool found = false;
    for (const std::string_view name : known) found = found || key.str() == name;
    if (!found) unknown.push_back(prefix + std::string(key.str()));
  }
}

void ApplyLimits(Limits& limits, const toml::table& table, std::vector<std::string>& unknown) {
  CheckKnown(table,
             {"max_image_bytes",
              "read_timeout_s",
              "request_timeout_s",
              "write_timeout_s",
              "keep_alive_timeout_s",
              "keep_alive_max_count",
              "http_threads",
              "io_threads",
              "max_header_bytes",
              "max_connections",
              "max_connections_per_ip",
              "detect_workers",
              "detect_queue",
              "detect_max_wait_ms",
              "signups_per_minute",
              "spool_max_mb",
              "sync_writes",
              "insights_max_days",
              "auth_failures_per_client_per_minute",
              "auth_failures_per_key_per_minute",
              "labels_import_max_mb"},
             "limits.", unknown);
  Read(table, "max_image_bytes", "limits.max_image_bytes", limits.max_image_bytes);
  Read(table, "read_timeout_s", "limits.read_timeout_s", limits.read_timeout_s);
  Read(table, "write_timeout_s", "limits.write_timeout_s", limits.write_timeout_s);
  Read(table, "keep_alive_timeout_s", "limits.keep_alive_timeout_s", limits.keep_alive_timeout_s);
  Read(table, "keep_alive_max_count", "limits.keep_alive_max_count", limits.keep_alive_max_count);
  Read(table, "http_threads", "limits.http_threads", limits.http_threads);
  Read(table, "io_threads", "limits.io_threads", limits.io_threads);
  Read(table, "request_timeout_s", "limits.request_timeout_s", limits.request_timeout_s);
  Read(table, "max_header_bytes", "limits.max_header_bytes", limits.max_header_bytes);
  Read(table, "max_connections", "limits.max_connections", limits.max_connections);
  Read(table, "max_connections_per_ip", "limits.max_connections_per_ip", limits.max_connections_per_ip);
  Read(table, "detect_workers", "limits.detect_workers", limits.detect_workers);
  Read(table, "detect_queue", "limits.detect_queue", limits.detect_queue);
  Read(table, "detect_max_wait_ms", "limits.detect_max_wait_ms", limits.detect_max_wait_ms);
  Read(table, "signups_per_minute", "limits.signups_per_minute", limits.signups_per_minute);
  Read(table, "auth_failures_per_client_per_minute", "limits.auth_failures_per_client_per_minute",
       limits.auth_failures_per_client_per_minute);
  Read(table, "auth_failures_per_key_per_minute", "limits.auth_failures_per_key_per_minute",
       limits.auth_failures_per_key_per_minute);
  Read(table, "spool_max_mb", "limits.spool_max_mb", limits.spool_max_mb);
  Read(table, "sync_writes", "limits.sync_writes", limits.sync_writes);
  Read(table, "insights_max_days", "limits.insights_max_days", limits.insights_max_days);
  Read(table, "labels_import_max_mb", "limits.labels_import_max_mb", limits.labels_import_max_mb);
}

void ApplyBackends(Backends& backends, const toml::table& table, std::vector<std::string>& unknown) {
  CheckKnown(table,
             {"database_url", "object_store_url", "search_url", "search_index_prefix", "redis_url", "redis_prefix"},
             "backends.", unknown);
  Read(table, "redis_url", "backends.redis_url", backends.redis_url);
  Read(table, "redis_prefix", "backends.redis_prefix", backends.redis_prefix);
  Read(table, "database_url", "backends.database_url", backends.database_url);
  Read(table, "object_store_url", "backends.object_store_url", backends.object_store_url);
  Read(table, "search_url", "backends.search_url", backends.search_url);
  Read(table, "search_index_prefix", "backends.search_index_prefix", backends.search_index_prefix);
}

void ApplySmtp(Smtp& smtp, const toml::table& table, std::vector<std::string>& unknown) {
  CheckKnown(table, {"url", "from", "username", "password", "starttls", "ca_file"}, "smtp.", unknown);
  Read(table, "url", "smtp.url", smtp.url);
  Read(table, "from", "smtp.from", smtp.from);
  Read(table, "username", "smtp.username", smtp.username);
  Read(table, "password", "smtp.password", smtp.password);
  Read(table, "starttls", "smtp.starttls", smtp.starttls);
  Read(table, "ca_file", "smtp.ca_file", smtp.ca_file);
}

void ApplyPrivacy(Privacy& privacy, const toml::table& table, std::vector<std::string>& unknown) {
  CheckKnown(table, {"truncate_client_ip", "login_failed_client_ip"}, "privacy.", unknown);
  Read(table, "truncate_client_ip", "privacy.truncate_client_ip", privacy.truncate_client_ip);
  Read(table, "login_failed_client_ip", "privacy.login_failed_client_ip", privacy.login_failed_client_ip);
}

void ApplyTesting(Testing& testing, const toml::table& table, std::vector<std::string>& unknown) {
  CheckKnown(table, {"allow_client_time"}, "testing.", unknown);
  Read(table, "allow_client_time", "testing.allow_client_time", testing.allow_client_time);
}

void ApplyLogging(Logging& log, const toml::table& table, std::vector<std::string>& unknown) {
  CheckKnown(table, {"level", "format"}, "log.", unknown);
  Read(table, "level", "log.level", log.level);
  Read(table, "format", "log.format", log.format);
}

void ApplyQuotas(Quotas& quotas, const toml::table& table, std::vector<std::string>& unknown) {
  CheckKnown(table, {"user_per_minute", "analyst_per_minute", "admin_per_minute"}, "quotas.", unknown);
  Read(table, "user_per_minute", "quotas.user_per_minute", quotas.user_per_minute);
  Read(table, "analyst_per_minute", "quotas.analyst_per_minute", quotas.analyst_per_minute);
  Read(table, "admin_per_minute", "quotas.admin_per_minute", quotas.admin_per_minute);
}

void ApplyNetwork(Network& network, const toml::table& table, std::vector<std::string>& unknown) {
  CheckKnown(table, {"trusted_proxies"}, "network.", unknown);
  Read(table, "trusted_proxies", "network.trusted_proxies", network.trusted_proxies);
}

void ApplyInsights(insights::DriftThresholds& thresholds, const toml::table& table, std::vector<std::string>& unknown) {
  std::vector<std::string_view> known;
  insights::DriftThresholds::ForEachThreshold(thresholds,
                                              [&known](std::string_view name, auto&) { known.push_back(name); });
  CheckKnown(table, known, "insights.", unknown);
  insights::DriftThresholds::ForEachThreshold(thresholds, [&table](std::string_view name, auto& value) {
    Read(table, name, "insights." + std::string(name), value);
  });
}

void ApplyRetention(retention::Policy& policy, const toml::table& table, std::vector<std::string>& unknown) {
  std::vector<std::string_view> known;
  retention::Policy::ForEachPeriod(policy, [&known](std::string_view name, int&) { known.push_back(name); });
  CheckKnown(table, known, "retention.", unknown);
  retention::Policy::ForEachPeriod(policy, [&table](std::string_view name, int& days) {
    Read(table, name, "retention." + std::string(name), days);
  });
}

/// FACELOOP_RETENTION_<NAME> for each period (e.g. FACELOOP_RETENTION_RECORDS_DAYS): whole days.
void ApplyRetentionEnvironment(retention::Policy& policy, const EnvLookup& env) {
  config_table::ApplyEnvKeys("FACELOOP_RETENTION_", env,
                             [&policy](auto visit) { retention::Policy::ForEachPeriod(policy, visit); });
}

void ValidateRetention(const retention::Policy& policy) {
  retention::Policy::ForEachPeriod(policy, [](std::string_view name, const int& days) {
    if (days < 0 || days > retention::kMaxDays) {
      Fail("config: retention." + std::string(name) + " must be within 0..36600 days (0 = forever)");
    }
  });
  if (policy.tombstone_days < 1) Fail("config: retention.tombstone_days must be at least 1");
}

/// FACELOOP_INSIGHTS_<NAME> for each threshold (e.g. FACELOOP_INSIGHTS_PSI_ALERT): a whole number
/// for min_sample, a number for the others; the ranges are Validate's.
void ApplyInsightsEnvironment(insights::DriftThresholds& thresholds, const EnvLookup& env) {
  config_table::ApplyEnvKeys("FACELOOP_INSIGHTS_", env, [&thresholds](auto visit) {
    insights::DriftThresholds::ForEachThreshold(thresholds, visit);
  });
}

/// Finite, non-negative, warn below alert, a sample of at least one, a probability for alpha: else
/// every verdict misleads.
void ValidateInsights(const insights::DriftThresholds& t) {
  bool valid = t.min_sample >= 1 && t.psi_warn <= t.psi_alert && t.alpha > 0 && t.alpha <= 1;
  insights::DriftThresholds::ForEachThreshold(t, [&valid](std::string_view, const auto& value) {
    valid = valid && std::isfinite(static_cast<double>(value)) && value >= 0;
  });
  if (!valid) {
    Fail(
        "config: insights thresholds must be finite and >= 0, psi_warn <= psi_alert, min_sample >= 1, and "
        "0 < alpha <= 1");
  }
}

void ApplyReports(Reports& reports, const toml::table& table, std::vector<std::string>& unknown) {
  CheckKnown(table, {"time_zone", "recipients", "base_url", "grace_minutes"}, "reports.", unknown);
  Read(table, "time_zone", "reports.time_zone", reports.time_zone);
  Read(table, "recipients", "reports.recipients", reports.recipients);
  Read(table, "base_url", "reports.base_url", reports.base_url);
  Read(table, "grace_minutes", "reports.grace_minutes", reports.grace_minutes);
}

void ValidateReports(const Reports& reports) {
  try {
    (void)reports::TimeZone::Load(reports.time_zone, "config: reports.time_zone");
    for (const std::string& to : reports.recipients) mail::ValidateAddress("reports.recipients", to);
    if (reports.grace_minutes < 0 || reports.grace_minutes > 7 * 24 * 60) {
      Fail("config: reports.grace_minutes must be between 0 and 10080 (a week)");
    }
  } catch (const Error& e) {
    Fail(e.what());  // a configuration error, whatever the check's own code
  }
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

const toml::table& SubTable(const toml::node& node, const char* name) {
  if (!node.is_table()) Fail(std::string("config: ") + name + " must be a table");
  return *node.as_table();
}

void Validate(const Config& config) {
  const std::string& tls = config.smtp.starttls;
  if (tls != "none" && tls != "try" && tls != "required") Fail("config: smtp.starttls must be none, try or required");
  if (config.limits.spool_max_mb == 0) Fail("config: limits.spool_max_mb must be > 0");
  if (config.limits.labels_import_max_mb == 0) Fail("config: limits.labels_import_max_mb must be > 0");
  if (config.limits.detect_max_wait_ms < 1) Fail("config: limits.detect_max_wait_ms must be > 0");
  // Above about 80 years a window's nanoseconds no longer fit system_clock's 64 bits.
  if (config.limits.insights_max_days < 1 || config.limits.insights_max_days > 36600) {
    Fail("config: limits.insights_max_days must be within 1..36600");
  }
  const Limits& l = config.limits;
  for (const int positive : {l.read_timeout_s, l.request_timeout_s, l.write_timeout_s, l.keep_alive_timeout_s,
                             l.keep_alive_max_count, l.io_threads, l.max_connections, l.max_connections_per_ip}) {
    if (positive < 1) Fail("config: limits timeouts, counts and connection limits must be > 0");
  }
  if (l.http_threads < 0 || l.max_header_bytes < 1024) {
    Fail("config: limits.http_threads >= 0, max_header_bytes >= 1024");
  }
  for (const double per_minute :
       {config.quotas.user_per_minute, config.quotas.analyst_per_minute, config.quotas.admin_per_minute,
        config.limits.signups_per_minute, config.limits.auth_failures_per_client_per_minute,
        config.limits.auth_failures_per_key_per_minute}) {
    if (!(per_minute >= 0) || per_minute > 1e9) {
      Fail("config: quotas, limits.signups_per_minute and limits.auth_failures_per_*_per_minute must be within 0..1e9");
    }
  }
  const std::string& recorded = config.privacy.login_failed_client_ip;
  if (recorded != "off" && recorded != "truncated" && recorded != "full") {
    Fail("config: privacy.login_failed_client_ip must be off, truncated or full");
  }
  ValidateInsights(config.insights);
  ValidateReports(config.reports);
  ValidateSchedules(config.scheduler, config.alerts);
  ValidateRetention(config.retention);
  ValidateRating(config.rating);
  (void)telemetry::ParseLogLevel(config.log.level);  // throws kBadRequest naming the value
  (void)telemetry::ParseLogFormat(config.log.format);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail("config: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::optional<std::string> ProcessEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::string PepperPath(const Config& config) {
  return config.pepper_file.empty() ? (std::filesystem::path(config.data_dir) / "pepper").string() : config.pepper_file;
}

void ParseListen(std::string_view listen, std::string& host, int& port) {
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) Fail("listen address must be HOST:PORT");
  const std::string_view port_text = listen.substr(colon + 1);
  int value = -1;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || value < 0 || value > 65535) {
    Fail("listen port must be 0..65535");
  }
  host = std::string(listen.substr(0, colon));
  port = value;
}

void ApplyToml(Config& config, std::string_view toml_text, std::string_view source) {
  toml::table table;
  try {
    table = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    Fail("config: " + std::string(source) + ": " + std::string(e.description()));
  }
  std::vector<std::string> unknown;
  CheckKnown(table, {"listen",   "data_dir", "models_dir", "web_dir", "pepper_file", "model",   "limits",
                     "backends", "smtp",     "privacy",    "log",     "quotas",      "network", "insights",
                     "testing",  "reports",  "scheduler",  "alerts",  "retention",   "rating",  "datasets"},
             "", unknown);
  if (const toml::node* node = table.get("limits")) ApplyLimits(config.limits, SubTable(*node, "limits"), unknown);
  if (const toml::node* node = table.get("backends")) {
    ApplyBackends(config.backends, SubTable(*node, "backends"), unknown);
  }
  if (const toml::node* node = table.get("smtp")) ApplySmtp(config.smtp, SubTable(*node, "smtp"), unknown);
  if (const toml::node* node = table.get("privacy")) ApplyPrivacy(config.privacy, SubTable(*node, "privacy"), unknown);
  if (const toml::node* node = table.get("log")) ApplyLogging(config.log, SubTable(*node, "log"), unknown);
  if (const toml::node* node = table.get("quotas")) ApplyQuotas(config.quotas, SubTable(*node, "quotas"), unknown);
  if (const toml::node* node = table.get("network")) ApplyNetwork(config.network, SubTable(*node, "network"), unknown);
  if (const toml::node* node = table.get("insights")) {
    ApplyInsights(config.insights, SubTable(*node, "insights"), unknown);
  }
  if (const toml::node* node = table.get("testing")) ApplyTesting(config.testing, SubTable(*node, "testing"), unknown);
  if (const toml::node* node = table.get("reports")) ApplyReports(config.reports, SubTable(*node, "reports"), unknown);
  if (const toml::node* node = table.get("scheduler")) {
    ApplySchedulerToml(config.scheduler, SubTable(*node, "scheduler"), unknown);
  }
  if (const toml::node* node = table.get("alerts")) ApplyAlertsToml(config.alerts, SubTable(*node, "alerts"), unknown);
  if (const toml::node* node = table.get("retention")) {
    ApplyRetention(config.retention, SubTable(*node, "retention"), unknown);
  }
  if (const toml::node* node = table.get("rating")) ApplyRatingToml(config.rating, SubTable(*node, "rating"), unknown);
  if (const toml::node* node = table.get("datasets")) {
    ApplyDatasetsToml(config.datasets, SubTable(*node, "datasets"), unknown);
  }
  if (!unknown.empty()) {
    std::string names;
    for (const std::string& name : unknown) names += (names.empty() ? "" : ", ") + name;
    Fail("config: " + std::string(source) + ": unknown keys: " + names);
  }
  std::string listen;
  Read(table, "listen", "listen", listen);
  if (!listen.empty()) ParseListen(listen, config.host, config.port);
  Read(table, "data_dir", "data_dir", config.data_dir);
  Read(table, "models_dir", "models_dir", config.models_dir);
  Read(table, "web_dir", "web_dir", config.web_dir);
  Read(table, "pepper_file", "pepper_file", config.pepper_file);
  Read(table, "model", "model", config.default_model);
}

void ApplyEnvironment(Config& config, const EnvLookup& env) {
  if (const auto listen = env("FACELOOP_LISTEN")) ParseListen(*listen, config.host, config.port);
  const std::pair<const char*, std::string*> strings[] = {
      {"FACELOOP_DATA_DIR", &config.data_dir},
      {"FACELOOP_MODELS_DIR", &config.models_dir},
      {"FACELOOP_WEB_DIR", &config.web_dir},
      {"FACELOOP_PEPPER_FILE", &config.pepper_file},
      {"FACELOOP_MODEL", &config.default_model},
      {"FACELOOP_DATABASE_URL", &config.backends.database_url},
      {"FACELOOP_OBJECT_STORE_URL", &config.backends.object_store_url},
      {"FACELOOP_SEARCH_URL", &config.backends.search_url},
      {"FACELOOP_SEARCH_INDEX_PREFIX", &config.backends.search_index_prefix},
      {"FACELOOP_SMTP_URL", &config.smtp.url},
      {"FACELOOP_SMTP_FROM", &config.smtp.from},
      {"FACELOOP_SMTP_USERNAME", &config.smtp.username},
      {"FACELOOP_SMTP_PASSWORD", &config.smtp.password},
      {"FACELOOP_SMTP_STARTTLS", &config.smtp.starttls},
      {"FACELOOP_SMTP_CA_FILE", &config.smtp.ca_file},
      {"FACELOOP_LOG_LEVEL", &config.log.level},
      {"FACELOOP_LOG_FORMAT", &config.log.format},
      {"FACELOOP_REDIS_URL", &config.backends.redis_url},
      {"FACELOOP_REDIS_PREFIX", &config.backends.redis_prefix},
      {"FACELOOP_REPORTS_TIME_ZONE", &config.reports.time_zone},
      {"FACELOOP_REPORTS_BASE_URL", &config.reports.base_url},
  };
  for (const auto& [name, field] : strings) {
    if (const auto value = env(name)) *field = *value;
  }
  ApplyInsightsEnvironment(config.insights, env);
  ApplySchedulesEnvironment(config.scheduler, config.alerts, env);
  ApplyRetentionEnvironment(config.retention, env);
  ApplyRatingEnvironment(config.rating, config.datasets, env);
  if (const auto value = env("FACELOOP_TRUSTED_PROXIES")) config.network.trusted_proxies = SplitList(*value);
  if (const auto value = env("FACELOOP_REPORTS_RECIPIENTS")) config.reports.recipients = SplitList(*value);
  if (const auto value = env("FACELOOP_TRUNCATE_CLIENT_IP")) {
    if (*value != "true" && *value != "false" && *value != "1" && *value != "0") {
      Fail("FACELOOP_TRUNCATE_CLIENT_IP must be true or false");
    }
    config.privacy.truncate_client_ip = *value == "true" || *value == "1";
  }
}

Config ResolveConfig(const ConfigFlags& flags, const EnvLookup& env) {
  Config config;
  if (flags.config_file) ApplyToml(config, ReadFile(*flags.config_file), *flags.config_file);
  ApplyEnvironment(config, env);
  if (flags.listen) ParseListen(*flags.listen, config.host, config.port);
  if (flags.data_dir) config.data_dir = *flags.data_dir;
  if (flags.models_dir) config.models_dir = *flags.models_dir;
  Validate(config);
  return config;
}

}  // namespace faceloop::service
