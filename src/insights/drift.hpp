#pragma once
// GET /v1/insights/drift and `faceloop insights drift`: per feature, the reference window's
// histogram against the current window's, read from the hourly rollups (rollup_bins summed per
// feature and bin in the database), compared by drift_math.hpp.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/database.hpp"
#include "insights/drift_math.hpp"
#include "insights/drift_query.hpp"

namespace faceloop::insights {

struct FeatureDrift {
  const Feature* feature = nullptr;
  Moments reference;
  Moments current;
  DriftStats stats;
};

struct DriftReport {
  DriftQuery query;
  DriftThresholds thresholds;
  std::vector<FeatureDrift> features;  ///< one per queried feature, in the query's order
};

/// Runs the two grouped queries (one per window) on `database` and compares the histograms.
DriftReport ComputeDrift(db::IDatabase& database, const DriftQuery& query, const DriftThresholds& thresholds);

/// The API's JSON form (docs/api.md).
nlohmann::json ToJson(const DriftReport& report);
/// A fixed-width text table: one line per feature.
std::string ToTable(const DriftReport& report);

}  // namespace faceloop::insights
