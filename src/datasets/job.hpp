#pragma once
// An export as a recorded job, the same for `faceloop export` and POST /v1/exports: the row is
// created `running` first (so the API can answer 202 with its id at once), the export runs, and
// the row ends `complete` with its counts or `failed` with the reason.
#include <chrono>
#include <string>

#include "datasets/export_record.hpp"
#include "datasets/exporter.hpp"

namespace faceloop::datasets {

/// "ex" + the UTC time (sortable) + 8 random hex digits.
std::string NewExportId(std::chrono::system_clock::time_point now);

/// Inserts the `running` row of a new export and returns it.
ExportRecord StartExport(db::IDatabase& database, const ExportParams& params, const std::string& id,
                         const std::string& created_by, std::chrono::system_clock::time_point now);

/// Runs the export of a started row and records how it ended; returns the final row. Errors are
/// recorded, then rethrown when `rethrow` (the CLI reports them; a background job only logs).
ExportRecord FinishExport(const ExportContext& context, const ExportParams& params, const std::string& id,
                          bool rethrow);

}  // namespace faceloop::datasets
