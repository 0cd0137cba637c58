#pragma once
// Read-only queries over `requests` for the insights (correlations, outliers), over a window or a
// bounded sample of it (sample.hpp): the database scores, orders and limits, or returns only the
// numeric values of a sample, which RankPairs ranks in memory; callers never get the window's
// records. Fields are named as in NumericSql (metrics.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.hpp"
#include "requests/record.hpp"
#include "requests/sample.hpp"

namespace faceloop::requests {

/// Sums over n pairs (x, y): of the values, or of their ranks.
struct Sums {
  double x = 0, y = 0, xx = 0, yy = 0, xy = 0;
};

/// The successful requests with both values whose x falls in one decile.
struct PairTile {
  std::int64_t tile = 0;  ///< 1..10
  std::int64_t count = 0;
  double x_min = 0;
  double x_max = 0;
  Sums values;
  Sums ranks;  ///< average ranks over the whole window (ties share the mean of their ranks)
};

/// One field's values over a sample: NaN where a record lacks it, and the order of the present
/// ones (their row indexes, by value), computed once and shared by every pair the field is in.
struct SampleColumn {
  std::string field;
  std::vector<double> values;
  std::vector<std::uint32_t> order;
};

/// The values of `fields` (NumericSql names) of the successful requests received in [from, to)
/// that `plan` selects: one query, one row per record, nothing else of the record.
struct ValueSample {
  std::vector<SampleColumn> columns;  ///< in the order of `fields`
  std::int64_t rows = 0;
};
ValueSample SampleValues(db::IDatabase& database, Time from, Time to, const std::vector<std::string>& fields,
                         const SamplePlan& plan);

/// The pairs (x, y) of the sample's rows that have both, grouped by the decile of x's average rank
/// (ties share the mean of their ranks, and a decile: floor((2r - 1) * 10 / 2n) + 1, where NTILE
/// would split a tie group): at most ten rows. Linear time, from the columns' orders.
std::vector<PairTile> RankPairs(const SampleColumn& x, const SampleColumn& y);

/// One criterion of TopScored: a value of the request that reaches 1 where it flags the request.
struct ScoreTerm {
  enum class Kind {
    kDistance,  ///< |x - center| / scale
    kRatio,     ///< x / scale
    kBelow,     ///< 2 - x / scale where x < scale (1 just below, 2 at 0), else 0
    kZero,      ///< 1 where x = 0, else 0
  };
  std::string field;
  Kind kind = Kind::kRatio;
  double center = 0;
  double scale = 1;  ///< > 0
};

/// The term's value for `x`, as the SQL of TopScored computes it.
double TermValue(const ScoreTerm& term, double x);

struct ScoredRequest {
  std::string id;
  double score = 0;                           ///< the largest term's value
  std::vector<std::optional<double>> values;  ///< each term's field, in the order of the terms
};

/// The successful requests received in [from, to) that `plan` selects whose score (the largest
/// term, absent values counting 0) is at least 1, highest first (then by id), at most `limit`.
std::vector<ScoredRequest> TopScored(db::IDatabase& database, Time from, Time to, const std::vector<ScoreTerm>& terms,
                                     int limit, const SamplePlan& plan = {});

}  // namespace faceloop::requests
