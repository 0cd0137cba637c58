#pragma once
// BuildReport: one period's report from the insights (summary, drift, correlations, outliers,
// feedback), all read from the database. Nothing is stored here (store.hpp, produce.hpp).
#include "db/database.hpp"
#include "insights/thresholds.hpp"
#include "reports/period.hpp"
#include "reports/report.hpp"

namespace faceloop::reports {

/// How many correlations and outliers a report names.
inline constexpr std::size_t kReportCorrelations = 3;
inline constexpr int kReportOutliers = 5;
/// A correlation is named only when it is at least this strong and significant.
inline constexpr double kMinNamedRho = 0.1;
inline constexpr double kMaxNamedP = 0.05;

struct ReportInputs {
  PeriodWindow window;
  const TimeZone* zone = nullptr;
  insights::DriftThresholds thresholds;
  Time now;  ///< generated_at
};

Report BuildReport(db::IDatabase& database, const ReportInputs& inputs);

}  // namespace faceloop::reports
