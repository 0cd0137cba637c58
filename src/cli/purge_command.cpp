// `faceloop purge [--dry-run]`: the retention purge once (src/retention), against the configured
// backends. The daily run is the scheduler's (it calls the same retention::Purge through Service).
#include <iostream>
#include <map>
#include <memory>

#include "cli/service_commands.hpp"
#include "common/error.hpp"
#include "db/open.hpp"
#include "retention/purge.hpp"
#include "service/backends.hpp"
#include "service/config.hpp"

namespace faceloop::cli {
namespace {

struct PurgeFlags {
  bool dry_run = false;
  std::string data_dir;
  std::string config_file;
  std::map<std::string, int, std::less<>> days;  ///< --<period> flags given; they win over the configuration
};

/// "records_days" -> "--records-days".
std::string FlagName(std::string_view period) {
  std::string flag = "--";
  for (const char c : period) flag += c == '_' ? '-' : c;
  return flag;
}

service::Config ResolveFor(const PurgeFlags& flags) {
  service::ConfigFlags config_flags;
  if (!flags.data_dir.empty()) config_flags.data_dir = flags.data_dir;
  if (!flags.config_file.empty()) config_flags.config_file = flags.config_file;
  service::Config config = service::ResolveConfig(config_flags);
  retention::Policy::ForEachPeriod(config.retention, [&flags](std::string_view name, int& days) {
    if (const auto it = flags.days.find(name); it != flags.days.end() && it->second >= 0) days = it->second;
  });
  if (config.retention.tombstone_days < 1) {
    throw Error(ErrorCode::kBadRequest, "--tombstone-days must be at least 1");
  }
  return config;
}

int RunPurge(const PurgeFlags& flags) {
  const service::Config config = ResolveFor(flags);
  const auto database = db::Open(config.backends.database_url, config.data_dir);
  const retention::PurgeReport report = service::PurgeConfigured(config, *database, flags.dry_run);
  std::cout << nlohmann::json(report).dump(2) << "\n";
  return 0;
}

}  // namespace

Action RegisterPurge(CLI::App& app) {
  CLI::App* command = app.add_subcommand("purge", "delete what the retention policy no longer keeps");
  auto flags = std::make_shared<PurgeFlags>();
  command->add_flag("--dry-run", flags->dry_run, "count what would go, change nothing");
  command->add_option("--data-dir", flags->data_dir, "data folder of the service (default ./data)");
  command->add_option("--config", flags->config_file, "TOML configuration file ([retention])");
  retention::Policy defaults;
  retention::Policy::ForEachPeriod(defaults, [&](std::string_view name, int&) {
    int& days = flags->days[std::string(name)] = -1;
    command->add_option(FlagName(name), days, "overrides retention." + std::string(name) + " (0 = forever)")
        ->check(CLI::Range(0, retention::kMaxDays));
  });
  return [flags] { return RunPurge(*flags); };
}

}  // namespace faceloop::cli
