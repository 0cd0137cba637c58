#include "requests/aggregates.hpp"

#include <cmath>

#include "common/error.hpp"
#include "common/time.hpp"
#include "requests/metrics.hpp"

namespace faceloop::requests {
namespace {

/// Innermost the pairs; then twice each average rank (RANK() is a tie group's first rank,
/// COUNT(*) over the default RANGE frame its last), an integer; then the decile from x's rank, in
/// integer arithmetic, so tied values stay in one decile (NTILE would split a tie group in
/// whatever order the sort left it); then per decile the sums.
std::string PairSql(const std::string& x, const std::string& y) {
  return "SELECT tile, COUNT(*), MIN(x), MAX(x), SUM(x), SUM(y), SUM(x * x), SUM(y * y), SUM(x * y), SUM(rx), "
         "SUM(ry), SUM(rx * rx), SUM(ry * ry), SUM(rx * ry) "
         "FROM (SELECT (rx2 - 1) * 10 / (2 * n) + 1 AS tile, x, y, CAST(rx2 AS DOUBLE PRECISION) / 2 AS rx, "
         "CAST(ry2 AS DOUBLE PRECISION) / 2 AS ry "
         "FROM (SELECT x, y, RANK() OVER (ORDER BY x) + COUNT(*) OVER (ORDER BY x) AS rx2, "
         "RANK() OVER (ORDER BY y) + COUNT(*) OVER (ORDER BY y) AS ry2, COUNT(*) OVER () AS n "
         "FROM (SELECT " +
         x + " AS x, " + y +
         " AS y FROM requests WHERE received_at >= ? AND received_at < ? AND status = 200) AS pairs "
         "WHERE x IS NOT NULL AND y IS NOT NULL) AS ranked) AS tiled GROUP BY tile ORDER BY tile";
}

Sums SumsAt(const db::Row& row, std::size_t first) {
  return {row.Get<double>(first), row.Get<double>(first + 1), row.Get<double>(first + 2), row.Get<double>(first + 3),
          row.Get<double>(first + 4)};
}

/// A double parameter, typed for PostgreSQL (text parameters take their type from the context).
std::string Param(db::Params& params, double value) {
  params.emplace_back(value);
  return "CAST(? AS DOUBLE PRECISION)";
}

/// The SQL of TermValue over the column `v`, NULL counting 0.
std::string TermSql(const ScoreTerm& term, const std::string& v, db::Params& params) {
  if (!(term.scale > 0)) throw Error(ErrorCode::kInternal, "requests: a score term's scale must be above 0");
  switch (term.kind) {
    case ScoreTerm::Kind::kDistance: {
      const std::string center = Param(params, term.center);
      return "COALESCE(ABS(" + v + " - " + center + ") / " + Param(params, term.scale) + ", 0)";
    }
    case ScoreTerm::Kind::kRatio: return "COALESCE(" + v + " / " + Param(params, term.scale) + ", 0)";
    case ScoreTerm::Kind::kBelow: {
      const std::string limit = Param(params, term.scale);
      return "CASE WHEN " + v + " < " + limit + " THEN 2 - " + v + " / " + Param(params, term.scale) + " ELSE 0 END";
    }
    case ScoreTerm::Kind::kZero: return "CASE WHEN " + v + " = 0 THEN 1 ELSE 0 END";
  }
  return "0";
}

}  // namespace

std::vector<PairTile> RankedPairs(db::IDatabase& database, Time from, Time to, std::string_view x, std::string_view y) {
  const std::string sql = PairSql(NumericSql(x, database.dialect()), NumericSql(y, database.dialect()));
  std::vector<PairTile> tiles;
  for (const db::Row& row : database.Query(sql, {FormatTimestamp(from), FormatTimestamp(to)})) {
    tiles.push_back({row.Get<std::int64_t>(0), row.Get<std::int64_t>(1), row.Get<double>(2), row.Get<double>(3),
                     SumsAt(row, 4), SumsAt(row, 9)});
  }
  return tiles;
}

double TermValue(const ScoreTerm& term, double x) {
  switch (term.kind) {
    case ScoreTerm::Kind::kDistance: return std::fabs(x - term.center) / term.scale;
    case ScoreTerm::Kind::kRatio: return x / term.scale;
    case ScoreTerm::Kind::kBelow: return x < term.scale ? 2 - x / term.scale : 0;
    case ScoreTerm::Kind::kZero: return x == 0 ? 1 : 0;
  }
  return 0;
}

std::vector<ScoredRequest> TopScored(db::IDatabase& database, Time from, Time to, const std::vector<ScoreTerm>& terms,
                                     int limit) {
  if (terms.empty()) return {};
  // Values first (innermost, each field's expression written once), then the score, then the filter.
  std::string columns, names, scores;
  db::Params params;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    std::string v = "v";  // not "v" + to_string(i): GCC 12 warns falsely (-Wrestrict) on that
    v += std::to_string(i);
    columns.append(", ").append(NumericSql(terms[i].field, database.dialect())).append(" AS ").append(v);
    names.append(", ").append(v);
    scores.append(", ").append(TermSql(terms[i], v, params));
  }
  const std::string greatest = database.dialect() == db::Dialect::kSqlite ? "MAX" : "GREATEST";
  const std::string sql = "SELECT id, score" + names + " FROM (SELECT vals.*, " + greatest + "(0.0" + scores +
                          ") AS score FROM (SELECT id" + columns +
                          " FROM requests WHERE received_at >= ? AND received_at < ? AND status = 200) AS vals) AS "
                          "scored WHERE score >= 1 ORDER BY score DESC, id LIMIT ?";
  params.emplace_back(FormatTimestamp(from));
  params.emplace_back(FormatTimestamp(to));
  params.emplace_back(static_cast<std::int64_t>(limit));
  std::vector<ScoredRequest> scored;
  for (const db::Row& row : database.Query(sql, params)) {
    ScoredRequest request{row.Get<std::string>(0), row.Get<double>(1), {}};
    for (std::size_t i = 0; i < terms.size(); ++i) request.values.push_back(row.Get<std::optional<double>>(2 + i));
    scored.push_back(std::move(request));
  }
  return scored;
}

}  // namespace faceloop::requests
