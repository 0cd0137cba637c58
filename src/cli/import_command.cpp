// `faceloop import --format labelstudio|coco FILE`: a label file into the configured database
// (src/labels), as an operator: every request's labels may be imported. Prints the report as
// JSON; exits 1 when the import was refused (nothing stored).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/service_commands.hpp"
#include "common/error.hpp"
#include "db/open.hpp"
#include "labels/import.hpp"
#include "service/config.hpp"

namespace faceloop::cli {
namespace {

struct ImportFlags {
  std::string format;
  std::string file;
  std::string data_dir;
  std::string config_file;
};

std::ifstream OpenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kNotFound, path + ": cannot be opened");
  return in;
}

int RunImport(const ImportFlags& flags) {
  service::ConfigFlags config_flags;
  if (!flags.data_dir.empty()) config_flags.data_dir = flags.data_dir;
  if (!flags.config_file.empty()) config_flags.config_file = flags.config_file;
  const service::Config config = service::ResolveConfig(config_flags);
  const labels::Source source = labels::ParseSource(flags.format, "--format");
  const std::uintmax_t cap = std::uintmax_t{config.limits.labels_import_max_mb} << 20;
  std::error_code size_error;
  const std::uintmax_t size = std::filesystem::file_size(flags.file, size_error);
  if (!size_error && size > cap) {
    throw Error(ErrorCode::kPayloadTooLarge, flags.file + ": larger than limits.labels_import_max_mb (" +
                                                 std::to_string(config.limits.labels_import_max_mb) + " MiB)");
  }
  std::ifstream hashed = OpenFile(flags.file);
  const std::string sha256 = labels::Sha256HexOf(hashed);
  const auto database = db::Open(config.backends.database_url, config.data_dir);
  requests::RequestStore requests(*database);
  labels::LabelStore store(*database);
  std::ifstream in = OpenFile(flags.file);
  try {
    const labels::ImportReport report = labels::ImportLabels(store, requests, {"cli", true}, source, in, sha256);
    std::cout << labels::ToJson(report).dump(2) << "\n";
    return 0;
  } catch (const labels::ImportRejected& rejected) {
    std::cout << labels::ToJson(rejected.report()).dump(2) << "\n";
    throw;
  }
}

}  // namespace

Action RegisterImport(CLI::App& app) {
  CLI::App* command = app.add_subcommand("import", "import labels (a Label Studio JSON export or a COCO file)");
  auto flags = std::make_shared<ImportFlags>();
  command->add_option("--format", flags->format, "labelstudio or coco")->required();
  command->add_option("file", flags->file, "the label file")->required();
  command->add_option("--data-dir", flags->data_dir, "data folder of the service (default ./data)");
  command->add_option("--config", flags->config_file, "TOML configuration file");
  return [flags] { return RunImport(*flags); };
}

}  // namespace faceloop::cli
