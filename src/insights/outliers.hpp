#pragma once
// GET /v1/insights/outliers and `faceloop insights outliers`: the unusual requests of a window,
// each with its reasons, its record and a link to its stored image. Unusual, against a reference
// window (by default the 7 days before the window):
//   - image metadata far from the reference: robust z = |x - median| / (1.4826 MAD) >= threshold,
//     median and MAD from the reference's rollup histograms;
//   - slow: total_ms at or above the reference's 99th percentile;
//   - low confidence: confidence_max below the reference's 1st percentile;
//   - no face, where the reference's images nearly always have one (>= 90 % of them).
// The reference comes from the rollups; the window's requests (a bounded uniform sample of them in a
// busy window) are filtered, scored, ordered and limited by one SQL query over `requests`, and only
// the `limit` records found are read.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/database.hpp"
#include "insights/query.hpp"
#include "insights/stats.hpp"
#include "requests/record.hpp"

namespace faceloop::insights {

inline constexpr int kDefaultOutlierLimit = 20;
inline constexpr int kMaxOutlierLimit = 100;
inline constexpr double kDefaultRobustZ = 3.5;  // Iglewicz & Hoaglin's cut for modified z-scores
/// A criterion needs this many reference values; with fewer it is left out (and says so).
inline constexpr std::int64_t kMinReferenceValues = 30;
/// No face is unusual where at least this share of the reference's images had one.
inline constexpr double kFaceShareForNoFace = 0.9;

struct OutlierParams {
  std::optional<std::string> from;       ///< as for the summary: a whole hour, default to - 7 days
  std::optional<std::string> to;         ///< as for the summary: a whole hour, default the next hour
  std::optional<std::string> limit;      ///< 1..kMaxOutlierLimit, default kDefaultOutlierLimit
  std::optional<std::string> threshold;  ///< robust z cut, a finite number in [1, 100]; default 3.5
};

struct OutlierQuery {
  Time from;
  Time to;
  Time reference_from;  ///< from - 7 days
  int limit = kDefaultOutlierLimit;
  double threshold = kDefaultRobustZ;
};

/// Checks `params` (every refusal Error(kUnprocessable) naming the parameter).
OutlierQuery ParseOutlierQuery(const OutlierParams& params, int max_days, Time now);

/// A metadata feature's reference: median and MAD of its binned distribution.
struct FeatureReference {
  std::string feature;
  std::int64_t count = 0;
  RobustCenter center;
};

/// What the window is compared with; unset thresholds are criteria left out (too few values).
struct Reference {
  std::vector<FeatureReference> metadata;  ///< features with enough values and a MAD above 0
  std::optional<double> latency_p99;       ///< total_ms
  std::optional<double> low_confidence;    ///< confidence_max's 1st percentile
  std::int64_t successes = 0;              ///< successful requests in the reference
  std::optional<double> face_share;        ///< of them, the share with a face
  bool no_face_unusual = false;            ///< face_share >= kFaceShareForNoFace
};

/// One reason a request is unusual.
struct OutlierReason {
  std::string kind;     ///< metadata | slow | low_confidence | no_face
  std::string feature;  ///< the record's field
  double value = 0;
  std::optional<double> z;  ///< metadata: the robust z-score
  double threshold = 0;     ///< metadata: the z cut; else the value's limit
};

struct Outlier {
  double score = 0;  ///< the largest reason's value over its limit: ordered by it, highest first
  std::vector<OutlierReason> reasons;
  requests::RequestRecord record;
};

struct Outliers {
  OutlierQuery query;
  Reference reference;
  WindowSample sample;  ///< the requests scored: all of the window's successful ones, or a uniform sample
  std::vector<Outlier> outliers;
};

/// The metadata features with a robust z-score: the image.* features with more than 10 bins
/// (channels, alpha and the EXIF tag are categories, not measures).
std::vector<std::string> RobustFeatures();

/// The reference statistics of [from, to) from the rollups.
Reference ReadReference(db::IDatabase& database, Time from, Time to, const std::vector<std::string>& features);
/// Scores the window's successful requests, or a uniform sample of about `sample_cap` of them when
/// the rollups count more (the rarest requests of the window may then be missed: `sample` says).
Outliers FindOutliers(db::IDatabase& database, const OutlierQuery& query, std::int64_t sample_cap = kOutlierSampleCap);

/// The API's JSON form (docs/api.md); images are linked as GET /v1/requests/{id}/image.
nlohmann::json ToJson(const Outliers& outliers);
/// One line per outlier: score, id, time, reasons.
std::string ToTable(const Outliers& outliers);

}  // namespace faceloop::insights
