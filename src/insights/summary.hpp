#pragma once
// GET /v1/insights/summary and `faceloop insights summary`: traffic, users, outcomes, latency and
// confidence per time bucket and model version. Everything is computed in the database: the
// rollups summed per bucket, users counted with COUNT(DISTINCT) over `requests` and `users`;
// no request record is loaded.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/database.hpp"
#include "insights/histogram.hpp"
#include "insights/query.hpp"

namespace faceloop::insights {

/// The rollup quantities of one model version, or of all, in one bucket or the whole window.
struct Slice {
  Slice();
  std::int64_t requests = 0;
  std::int64_t errors = 0;
  std::int64_t faces = 0;
  std::int64_t no_face = 0;
  std::map<std::string, std::int64_t> errors_by_type;
  Histogram latency;     ///< kLatencyFeature
  Histogram confidence;  ///< kConfidenceFeature

  void Merge(const Slice& other);
};

struct UserCounts {
  std::int64_t unique = 0;
  std::int64_t returning = 0;  ///< more than one request and more than one active day in the bucket
  std::int64_t created = 0;    ///< accounts created in the bucket (new users)
};

/// (model_name, model_version)
using ModelKey = std::pair<std::string, std::string>;

struct BucketSummary {
  Time start;  ///< the bucket's start, or the window's where it starts later
  Time end;    ///< the bucket's end, or the window's where it ends earlier
  Slice all;
  std::map<ModelKey, Slice> models;
  UserCounts users;
};

struct Summary {
  SummaryQuery query;
  std::vector<BucketSummary> buckets;  ///< every bucket of the window, empty ones included
  BucketSummary total;                 ///< the whole window
};

/// Runs the summary's queries on `database` (SQLite or PostgreSQL).
Summary Summarize(db::IDatabase& database, const SummaryQuery& query);

/// The API's JSON form (docs/api.md).
nlohmann::json ToJson(const Summary& summary);
/// A fixed-width text table: one line per bucket and model version, then the total.
std::string ToTable(const Summary& summary);

}  // namespace faceloop::insights
