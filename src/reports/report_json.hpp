#pragma once
// The report's JSON form (docs/reports.md), derived from the Fields() lists of report.hpp.
#include <nlohmann/json.hpp>

#include "reports/report.hpp"

namespace faceloop::reports {

nlohmann::json ToJson(const Report& report);
/// Inverse of ToJson; throws Error(kInternal) when `json` is not a report (a stored row is corrupt).
Report ReportFromJson(const nlohmann::json& json);

}  // namespace faceloop::reports
