// `faceloop backup --to DIR|s3://...` and `faceloop restore --from DIR|s3://... --data-dir NEW`:
// the embedded default's data folder, copied consistently while `serve` runs (src/backup).
#include <iostream>
#include <memory>

#include "backup/backup.hpp"
#include "cli/service_commands.hpp"
#include "common/error.hpp"
#include "service/config.hpp"

namespace faceloop::cli {
namespace {

struct BackupFlags {
  std::string to;
  std::string from;
  std::string data_dir;
  std::string config_file;
};

service::Config ResolveFor(const BackupFlags& flags) {
  service::ConfigFlags config_flags;
  if (!flags.data_dir.empty()) config_flags.data_dir = flags.data_dir;
  if (!flags.config_file.empty()) config_flags.config_file = flags.config_file;
  return service::ResolveConfig(config_flags);
}

void PrintSummary(const char* what, const backup::Manifest& manifest) {
  std::cout << what << ": " << manifest.files.size() << " files";
  for (const auto& [name, count] : manifest.counts) std::cout << ", " << name << " " << count;
  std::cout << "\n";
}

int RunBackup(const BackupFlags& flags) {
  const service::Config config = ResolveFor(flags);
  if (!config.backends.database_url.empty()) {
    throw Error(ErrorCode::kBadRequest,
                "backup covers the embedded SQLite database; back up PostgreSQL with pg_dump "
                "(docs/operations.md#backups)");
  }
  if (!config.backends.object_store_url.empty()) {
    std::cerr << "faceloop: images already shipped to the object store are not in this backup: keep S3 "
                 "versioning on (docs/operations.md#backups)\n";
  }
  const backup::Manifest manifest =
      backup::Backup({config.data_dir, service::PepperPath(config), flags.to}, service::ProcessEnv);
  PrintSummary("backup written", manifest);
  return 0;
}

int RunRestore(const BackupFlags& flags) {
  if (flags.data_dir.empty()) throw Error(ErrorCode::kBadRequest, "restore: --data-dir NEW is required");
  const backup::Manifest manifest = backup::Restore({flags.from, flags.data_dir}, service::ProcessEnv);
  PrintSummary("restored", manifest);
  return 0;
}

}  // namespace

Action RegisterBackup(CLI::App& app) {
  CLI::App* command = app.add_subcommand("backup", "consistent online backup of the embedded data folder");
  auto flags = std::make_shared<BackupFlags>();
  command->add_option("--to", flags->to, "an empty or new folder, or s3://bucket/prefix?endpoint=...")->required();
  command->add_option("--data-dir", flags->data_dir, "data folder of the service (default ./data)");
  command->add_option("--config", flags->config_file, "TOML configuration file");
  return [flags] { return RunBackup(*flags); };
}

Action RegisterRestore(CLI::App& app) {
  CLI::App* command = app.add_subcommand("restore", "restore a backup into a new, empty data folder");
  auto flags = std::make_shared<BackupFlags>();
  command->add_option("--from", flags->from, "what `faceloop backup` wrote: a folder or an s3:// URL")->required();
  command->add_option("--data-dir", flags->data_dir, "the new data folder (missing or empty)")->required();
  return [flags] { return RunRestore(*flags); };
}

}  // namespace faceloop::cli
