#pragma once
// GET /v1/insights/correlations and `faceloop insights correlations`: how the image's confidence
// (its best face's score, and the mean score of its faces) and its face count go with each field
// of the image metadata, over the successful requests of a window. Per pair: Pearson's r and
// Spearman's rho, each with n, a 95 % interval and a p-value, and the decile curve (deciles of the
// field -> mean of the target and count), so a chart can show where confidence drops.
//
// Over a bounded sample (docs/insights.md): one query reads the numeric values of at most about
// kCorrelationSampleCap requests of the window (all of them below the cap), ranked once per field
// in memory; each pair's deciles and sums, and from them r, rho and the curve, follow in linear time.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/database.hpp"
#include "insights/query.hpp"
#include "insights/stats.hpp"

namespace faceloop::insights {

/// One decile of the field (by its average rank: tied values share a decile, so a field with few
/// distinct values has fewer, unequal deciles): its range, and the target's mean over it.
struct Decile {
  int decile = 0;  ///< 1..10
  std::int64_t count = 0;
  double x_min = 0;
  double x_max = 0;
  double mean = 0;  ///< of the target
};

/// A metadata field against a target.
struct FieldCorrelation {
  std::string field;   ///< "image.brightness", ...
  std::string target;  ///< CorrelationTargets()
  std::int64_t n = 0;  ///< requests with both values
  std::optional<Correlation> pearson;
  std::optional<Correlation> spearman;  ///< with average ranks for ties
  std::vector<Decile> deciles;          ///< fewer than 10 with ties or fewer than 10 requests
};

struct Correlations {
  Time from;
  Time to;
  WindowSample sample;                  ///< all of the window's successful requests, or a uniform sample of them
  std::vector<FieldCorrelation> pairs;  ///< field by field, each against every target
};

/// The targets: confidence_max (the image's confidence), confidence_mean (its faces' mean score;
/// both absent without faces) and face_count.
const std::vector<std::string>& CorrelationTargets();
/// The fields: every numeric field of the image metadata (the features named image.*).
std::vector<std::string> CorrelationFields();

/// Over the successful requests received in [query.from, query.to) (the bucket is unused): all of
/// them when the rollups count at most `sample_cap`, else a uniform sample of about that many, read
/// in one query and ranked in memory. n, the intervals and the p-values are the sample's.
Correlations Correlate(db::IDatabase& database, const SummaryQuery& query,
                       std::int64_t sample_cap = kCorrelationSampleCap);

/// The API's JSON form (docs/api.md).
nlohmann::json ToJson(const Correlations& correlations);
/// One line per pair: n, r and rho with their intervals and p-values, the decile means.
std::string ToTable(const Correlations& correlations);

}  // namespace faceloop::insights
