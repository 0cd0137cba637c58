#include "datasets/job.hpp"

#include <cstdio>
#include <random>

#include "common/error.hpp"
#include "common/time.hpp"
#include "datasets/export_store.hpp"
#include "telemetry/log.hpp"

namespace faceloop::datasets {
namespace {

const telemetry::Logger kLog("datasets");

}  // namespace

std::string NewExportId(std::chrono::system_clock::time_point now) {
  std::string id = "ex";
  for (const char c : FormatTimestamp(now)) {
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) id += c;
  }
  std::random_device random;
  char suffix[16];
  (void)std::snprintf(suffix, sizeof suffix, "%08x", random());
  return id + suffix;
}

ExportRecord StartExport(db::IDatabase& database, const ExportParams& params, const std::string& id,
                         const std::string& created_by, std::chrono::system_clock::time_point now) {
  ExportRecord record;
  record.id = id;
  record.created_by = created_by;
  record.created_at = now;
  record.params = ToJson(params);
  record.location = params.to;
  ExportStore(database).Create(record);
  return record;
}

ExportRecord FinishExport(const ExportContext& context, const ExportParams& params, const std::string& id,
                          bool rethrow) {
  ExportStore store(context.database);
  try {
    const ExportOutcome outcome = RunExport(context, params, id, std::chrono::system_clock::now());
    store.Finish(id, kComplete, outcome.counts, outcome.location, std::nullopt);
    kLog.Info("export complete", {{"export_id", id}, {"images", std::to_string(outcome.images)}});
  } catch (const Error& e) {
    store.Finish(id, kFailed, nlohmann::json::object(), params.to, std::string(e.what()));
    kLog.Error("export failed", {{"export_id", id}, {"error", e.what()}});
    if (rethrow) throw;
  } catch (const std::exception& e) {
    // Filesystem and allocation failures: recorded like the rest, never left `running`, and never
    // allowed out of a background thread (that would end the server).
    store.Finish(id, kFailed, nlohmann::json::object(), params.to, "internal error");
    kLog.Error("export failed", {{"export_id", id}, {"error", e.what()}});
    if (rethrow) throw Error(ErrorCode::kInternal, std::string("export failed: ") + e.what());
  }
  return *store.Find(id);
}

}  // namespace faceloop::datasets
