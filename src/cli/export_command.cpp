// `faceloop export`: a training set from the stored requests (docs/datasets.md), the same job as
// POST /v1/exports, run in this process against the configured database and object store.
#include <iostream>
#include <memory>

#include "cli/service_commands.hpp"
#include "common/error.hpp"
#include "datasets/export_store.hpp"
#include "datasets/job.hpp"
#include "datasets/params.hpp"
#include "db/open.hpp"
#include "service/config.hpp"
#include "service/datasets.hpp"

namespace faceloop::cli {
namespace {

struct ExportFlags {
  std::string strategy;
  std::string format = "coco";
  std::string to;
  std::vector<std::string> params;  // STRATEGY.KEY=VALUE
  CLI::Option* limit = nullptr;
  CLI::Option* per_user = nullptr;
  CLI::Option* near = nullptr;
  std::int64_t limit_value = 0;
  std::int64_t per_user_value = 0;
  int near_value = 0;
  std::string from, until, model_version;
  std::string data_dir, config_file;
};

/// "uncertain.band=0.2" -> body["params"]["uncertain"]["band"] = 0.2 (a number when it reads as one).
void AddParam(nlohmann::json& body, const std::string& text) {
  const auto dot = text.find('.');
  const auto eq = text.find('=');
  if (dot == std::string::npos || eq == std::string::npos || dot > eq) {
    throw Error(ErrorCode::kUnprocessable, "parameter --param must be STRATEGY.KEY=VALUE, not '" + text + "'");
  }
  const std::string value = text.substr(eq + 1);
  nlohmann::json parsed = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_number()) parsed = value;
  body["params"][text.substr(0, dot)][text.substr(dot + 1, eq - dot - 1)] = parsed;
}

/// The flags in the API body's shape, so that both are checked by one parser.
nlohmann::json Body(const ExportFlags& f) {
  nlohmann::json body = {{"strategies", f.strategy}, {"format", f.format}, {"to", f.to}};
  if (f.limit->count() > 0) body["limit"] = f.limit_value;
  if (f.per_user->count() > 0) body["per_user"] = f.per_user_value;
  if (f.near->count() > 0) body["near_duplicate_distance"] = f.near_value;
  if (!f.from.empty()) body["from"] = f.from;
  if (!f.until.empty()) body["until"] = f.until;
  if (!f.model_version.empty()) body["model_version"] = f.model_version;
  for (const std::string& param : f.params) AddParam(body, param);
  return body;
}

int RunExport(const ExportFlags& flags) {
  const datasets::ExportParams params = datasets::ParseExportParams(Body(flags));
  datasets::CheckDestination(params.to);  // before anything opens: a wrong --to touches nothing
  service::ConfigFlags config_flags;
  if (!flags.data_dir.empty()) config_flags.data_dir = flags.data_dir;
  if (!flags.config_file.empty()) config_flags.config_file = flags.config_file;
  const service::Config config = service::ResolveConfig(config_flags);
  const auto database = db::Open(config.backends.database_url, config.data_dir);
  service::ImageStore images(config);
  const auto now = std::chrono::system_clock::now();
  const std::string id = datasets::NewExportId(now);
  datasets::StartExport(*database, params, id, "cli", now);
  const datasets::ExportRecord done = datasets::FinishExport(
      {*database, images.get(), service::ConsentPolicyFor(config), service::ProcessEnv}, params, id, true);
  std::cout << datasets::ExportStore::ToJson(done).dump(2) << "\n";
  return 0;
}

}  // namespace

Action RegisterExport(CLI::App& app) {
  CLI::App* command = app.add_subcommand("export", "export a training set of stored requests (docs/datasets.md)");
  auto f = std::make_shared<ExportFlags>();
  command->add_option("--strategy", f->strategy, "uncertain,feedback,outliers,drifted,stratified,random")->required();
  command->add_option("--format", f->format, "coco, yolo, wider or labelstudio")->capture_default_str();
  command->add_option("--to", f->to, "a new or empty folder, or s3://bucket/prefix?endpoint=...")->required();
  command->add_option("--param", f->params, "a strategy's parameter, STRATEGY.KEY=VALUE (repeatable)");
  f->limit = command->add_option("--limit", f->limit_value, "most images in total (default 1000)");
  f->per_user = command->add_option("--per-user", f->per_user_value, "most images of one user");
  f->near = command->add_option("--near-duplicate-distance", f->near_value,
                                "dHash bits within which two images are the same picture (default 4; -1: off)");
  command->add_option("--from", f->from, "requests received at or after (RFC 3339 UTC)");
  command->add_option("--until", f->until, "requests received before (RFC 3339 UTC)");
  command->add_option("--model-version", f->model_version, "only requests answered by this model version");
  command->add_option("--data-dir", f->data_dir, "data folder of the service (default ./data)");
  command->add_option("--config", f->config_file, "TOML configuration file");
  return [f] { return RunExport(*f); };
}

}  // namespace faceloop::cli
