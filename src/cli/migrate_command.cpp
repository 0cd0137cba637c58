// `faceloop migrate`: brings the configured database's schema up to date and says where it is.
// The service migrates at start too; this is for deployments that migrate before rolling out.
#include <iostream>
#include <memory>

#include "cli/service_commands.hpp"
#include "db/open.hpp"
#include "service/config.hpp"

namespace faceloop::cli {
namespace {

struct MigrateFlags {
  std::string data_dir;
  std::string config_file;
};

int Migrate(const MigrateFlags& flags) {
  service::ConfigFlags config_flags;
  if (!flags.data_dir.empty()) config_flags.data_dir = flags.data_dir;
  if (!flags.config_file.empty()) config_flags.config_file = flags.config_file;
  const service::Config config = service::ResolveConfig(config_flags);
  const auto database = db::Open(config.backends.database_url, config.data_dir,
                                 db::kServiceStartupWait);  // applies every pending migration
  std::cout << (database->dialect() == db::Dialect::kPostgres ? "postgresql" : "sqlite") << " schema version "
            << database->SchemaVersion() << "\n";
  return 0;
}

}  // namespace

Action RegisterMigrate(CLI::App& app) {
  CLI::App* migrate = app.add_subcommand("migrate", "apply pending database schema migrations");
  auto flags = std::make_shared<MigrateFlags>();
  migrate->add_option("--data-dir", flags->data_dir, "data folder of the service (default ./data; SQLite lives there)");
  migrate->add_option("--config", flags->config_file, "TOML configuration file");
  return [flags] { return Migrate(*flags); };
}

}  // namespace faceloop::cli
