#pragma once
// The metrics an alert rule can watch, each read from the hourly rollups (src/insights) over the
// rule's window, never from the request records: the window is widened to whole hours (from the
// hour holding now - window up to the end of the current hour).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/rule.hpp"
#include "db/database.hpp"
#include "insights/thresholds.hpp"

namespace faceloop::alerts {

struct MetricSpec {
  std::string_view name;
  bool needs_feature;  ///< drift metrics: of which feature
  std::string_view doc;
};

/// Every metric, in a stable order.
const std::vector<MetricSpec>& Metrics();
const MetricSpec* FindMetric(std::string_view name);

/// The hours a rule's window covers at `now`: [from, to).
struct Window {
  Time from;
  Time to;
};
Window WindowAt(std::int64_t window_minutes, Time now);

/// A metric's value and the sample it rests on; no value when there was nothing to measure.
struct Observation {
  std::optional<double> value;
  std::int64_t sample = 0;
  Window window;
};

/// Reads `rule`'s metric at `now`. Drift metrics compare the window with the 7 days before it under
/// `thresholds`; drift_verdict is 0 stable, 1 warn, 2 drift (no value for insufficient data).
Observation Measure(db::IDatabase& database, const Rule& rule, Time now, const insights::DriftThresholds& thresholds);

}  // namespace faceloop::alerts
