#include "requests/aggregates.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "common/time.hpp"
#include "requests/metrics.hpp"

namespace faceloop::requests {
namespace {

/// The window's successful requests that `plan` selects, as a derived table named `requests` with
/// the columns `fields` read. In PostgreSQL the metadata is cast to jsonb once per row here (OFFSET 0
/// keeps the planner from inlining the cast into every field's expression, which re-parsed the
/// text per field); SQLite caches a row's parsed JSON between its json_* calls itself.
std::string WindowRows(const std::vector<std::string>& fields, const SamplePlan& plan, db::Dialect dialect) {
  std::string columns = "id";
  bool metadata = false;
  for (const std::string& field : fields) {
    if (const std::string column = NumericColumnOf(field); !column.empty()) {
      columns += ", " + column;
    } else {
      metadata = true;
    }
  }
  if (metadata) {
    columns +=
        dialect == db::Dialect::kPostgres ? ", CAST(metadata_json AS jsonb) AS metadata_json" : ", metadata_json";
  }
  // `+status`: the same test, but no index on it. Without statistics SQLite prefers the equality on
  // requests_status (97 % of the table) to the sample's seeks or the time range.
  return "(SELECT " + columns + " FROM requests WHERE received_at >= ? AND received_at < ? AND +status = 200" +
         SampleCondition(plan) + (dialect == db::Dialect::kPostgres ? " OFFSET 0" : "") + ") AS requests";
}

/// Twice the average rank of each present row of `column` among the rows where `other` is present
/// too (a tie group at positions p..q gets p + q), and how many such rows there are.
std::int64_t TwiceRanks(const SampleColumn& column, const SampleColumn& other, std::vector<std::int64_t>& ranks) {
  std::vector<std::uint32_t> kept;
  kept.reserve(column.order.size());
  for (const std::uint32_t row : column.order) {
    if (!std::isnan(other.values[row])) kept.push_back(row);
  }
  for (std::size_t first = 0; first < kept.size();) {
    std::size_t last = first;
    while (last + 1 < kept.size() && column.values[kept[last + 1]] == column.values[kept[first]]) ++last;
    for (std::size_t at = first; at <= last; ++at) ranks[kept[at]] = static_cast<std::int64_t>(first + last + 2);
    first = last + 1;
  }
  return static_cast<std::int64_t>(kept.size());
}

void AddTo(Sums& sums, double x, double y) {
  sums.x += x;
  sums.y += y;
  sums.xx += x * x;
  sums.yy += y * y;
  sums.xy += x * y;
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

ValueSample SampleValues(db::IDatabase& database, Time from, Time to, const std::vector<std::string>& fields,
                         const SamplePlan& plan) {
  std::string values;
  ValueSample sample;
  for (const std::string& field : fields) {
    values += (values.empty() ? "" : ", ") + NumericSql(field, database.dialect());
    sample.columns.push_back({field, {}, {}});
  }
  const std::string sql = "SELECT " + values + " FROM " + WindowRows(fields, plan, database.dialect());
  for (const db::Row& row : database.Query(sql, {FormatTimestamp(from), FormatTimestamp(to)})) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      sample.columns[i].values.push_back(row.Get<std::optional<double>>(i).value_or(std::nan("")));
    }
    ++sample.rows;
  }
  for (SampleColumn& column : sample.columns) {
    for (std::uint32_t row = 0; row < column.values.size(); ++row) {
      if (!std::isnan(column.values[row])) column.order.push_back(row);
    }
    std::stable_sort(column.order.begin(), column.order.end(),
                     [&column](std::uint32_t a, std::uint32_t b) { return column.values[a] < column.values[b]; });
  }
  return sample;
}

std::vector<PairTile> RankPairs(const SampleColumn& x, const SampleColumn& y) {
  std::vector<std::int64_t> rx2(x.values.size()), ry2(y.values.size());
  const std::int64_t n = TwiceRanks(x, y, rx2);
  TwiceRanks(y, x, ry2);
  std::vector<PairTile> tiles;
  for (const std::uint32_t row : x.order) {  // by x, so each decile is one run
    if (std::isnan(y.values[row])) continue;
    const std::int64_t tile = (rx2[row] - 1) * 10 / (2 * n) + 1;
    const double xv = x.values[row];
    if (tiles.empty() || tiles.back().tile != tile) tiles.push_back({tile, 0, xv, xv, {}, {}});
    PairTile& t = tiles.back();
    ++t.count;
    t.x_max = xv;
    AddTo(t.values, xv, y.values[row]);
    AddTo(t.ranks, static_cast<double>(rx2[row]) / 2, static_cast<double>(ry2[row]) / 2);
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
                                     int limit, const SamplePlan& plan) {
  if (terms.empty()) return {};
  // Values first (innermost, each field's expression written once), then the score, then the filter.
  std::string columns, names, scores;
  std::vector<std::string> fields;
  db::Params params;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    std::string v = "v";  // not "v" + to_string(i): GCC 12 warns falsely (-Wrestrict) on that
    v += std::to_string(i);
    columns.append(", ").append(NumericSql(terms[i].field, database.dialect())).append(" AS ").append(v);
    names.append(", ").append(v);
    fields.push_back(terms[i].field);
    scores.append(", ").append(TermSql(terms[i], v, params));
  }
  const std::string greatest = database.dialect() == db::Dialect::kSqlite ? "MAX" : "GREATEST";
  const std::string sql = "SELECT id, score" + names + " FROM (SELECT vals.*, " + greatest + "(0.0" + scores +
                          ") AS score FROM (SELECT id" + columns + " FROM " +
                          WindowRows(fields, plan, database.dialect()) +
                          ") AS vals) AS scored WHERE score >= 1 ORDER BY score DESC, id LIMIT ?";
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
