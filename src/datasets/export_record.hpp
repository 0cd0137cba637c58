#pragma once
// An export job as stored in `exports` (migration 15) and shown by GET /v1/exports: one type and
// ONE field list, from which the table's columns, the insert, the read and the API's JSON derive.
#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/field_list.hpp"

namespace faceloop::datasets {

/// Where a field shows: in the API's JSON, or only in the table.
enum class Exposure { kPublic };
using FieldSpec = fields::FieldSpec<Exposure>;

inline constexpr std::string_view kRunning = "running";
inline constexpr std::string_view kComplete = "complete";
inline constexpr std::string_view kFailed = "failed";

struct ExportRecord {
  std::string id;
  std::string created_by;  ///< the user who asked (or "cli")
  std::chrono::system_clock::time_point created_at;
  std::optional<std::chrono::system_clock::time_point> finished_at;
  nlohmann::json params = nlohmann::json::object();  ///< ToJson(ExportParams)
  std::string status{kRunning};                      ///< running | complete | failed
  std::string location;                              ///< the folder or s3:// prefix
  nlohmann::json counts = nlohmann::json::object();  ///< picks per strategy, duplicates dropped, files
  std::optional<std::string> error;                  ///< why it failed
};

template <typename Record, typename Visit>
void ForEachField(Record& r, Visit&& visit) {
  using E = Exposure;
  visit(FieldSpec{"id", "id", E::kPublic, "the export's id"}, r.id);
  visit(FieldSpec{"created_by", "created_by", E::kPublic, "who asked for it"}, r.created_by);
  visit(FieldSpec{"created_at", "created_at", E::kPublic, "when"}, r.created_at);
  visit(FieldSpec{"finished_at", "finished_at", E::kPublic, "when it completed or failed"}, r.finished_at);
  visit(FieldSpec{"params", "params_json", E::kPublic, "the selection and format, defaults filled in"}, r.params);
  visit(FieldSpec{"status", "status", E::kPublic, "running, complete or failed"}, r.status);
  visit(FieldSpec{"location", "location", E::kPublic, "the folder or S3 prefix written"}, r.location);
  visit(FieldSpec{"counts", "counts_json", E::kPublic, "picks per strategy, duplicates dropped, totals"}, r.counts);
  visit(FieldSpec{"error", "error", E::kPublic, "why it failed"}, r.error);
}

}  // namespace faceloop::datasets
