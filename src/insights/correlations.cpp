#include "insights/correlations.hpp"

#include <cstdio>

#include "common/time.hpp"
#include "insights/features.hpp"
#include "requests/metrics.hpp"

namespace faceloop::insights {
namespace {

/// Per decile of x: its count, range and the sums of the values and of their average ranks.
/// Innermost the pairs; then twice each average rank (ties share the mean of their ranks: RANK() is
/// a tie group's first, COUNT(*) over the default RANGE frame its last), an integer; then the
/// decile from x's rank, so tied values stay in one decile (NTILE would split them in whatever
/// order the sort left them); then ten rows of sums. Spearman's rho is Pearson's r of the ranks.
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

PairSums SumsAt(const db::Row& row, std::size_t first) {
  return {row.Get<std::int64_t>(1),   row.Get<double>(first),     row.Get<double>(first + 1),
          row.Get<double>(first + 2), row.Get<double>(first + 3), row.Get<double>(first + 4)};
}

FieldCorrelation CorrelatePair(db::IDatabase& database, const SummaryQuery& query, const std::string& field,
                               const std::string& target) {
  const std::string sql =
      PairSql(requests::NumericSql(field, database.dialect()), requests::NumericSql(target, database.dialect()));
  FieldCorrelation result{field, target, 0, std::nullopt, std::nullopt, {}};
  PairSums values, ranks;
  for (const db::Row& row : database.Query(sql, {FormatTimestamp(query.from), FormatTimestamp(query.to)})) {
    const PairSums tile = SumsAt(row, 4);
    values.Add(tile);
    ranks.Add(SumsAt(row, 9));
    result.deciles.push_back({static_cast<int>(row.Get<std::int64_t>(0)), tile.n, row.Get<double>(2),
                              row.Get<double>(3), tile.sy / static_cast<double>(tile.n)});
  }
  result.n = values.n;
  result.pearson = Correlate(values, CorrelationKind::kPearson);
  result.spearman = Correlate(ranks, CorrelationKind::kSpearman);
  return result;
}

nlohmann::json CorrelationJson(const std::optional<Correlation>& c) {
  if (!c) return nullptr;
  return {{"r", c->r}, {"ci95", {c->low, c->high}}, {"p", c->p}};
}

std::string Number(const std::optional<Correlation>& c, double Correlation::*member, const char* format) {
  if (!c) return "-";
  char text[32];
  (void)std::snprintf(text, sizeof text, format, (*c).*member);
  return text;
}

}  // namespace

const std::vector<std::string>& CorrelationTargets() {
  static const std::vector<std::string> targets = {"confidence_max", "confidence_mean", "face_count"};
  return targets;
}

std::vector<std::string> CorrelationFields() {
  std::vector<std::string> fields;
  for (const Feature& feature : Features()) {
    if (feature.name.substr(0, 6) == "image.") fields.emplace_back(feature.name);
  }
  return fields;
}

Correlations Correlate(db::IDatabase& database, const SummaryQuery& query) {
  Correlations result{query.from, query.to, {}};
  for (const std::string& field : CorrelationFields()) {
    for (const std::string& target : CorrelationTargets()) {
      result.pairs.push_back(CorrelatePair(database, query, field, target));
    }
  }
  return result;
}

nlohmann::json ToJson(const Correlations& correlations) {
  nlohmann::json pairs = nlohmann::json::array();
  for (const FieldCorrelation& pair : correlations.pairs) {
    nlohmann::json deciles = nlohmann::json::array();
    for (const Decile& d : pair.deciles) {
      deciles.push_back(
          {{"decile", d.decile}, {"count", d.count}, {"min", d.x_min}, {"max", d.x_max}, {"mean", d.mean}});
    }
    pairs.push_back({{"field", pair.field},
                     {"target", pair.target},
                     {"n", pair.n},
                     {"pearson", CorrelationJson(pair.pearson)},
                     {"spearman", CorrelationJson(pair.spearman)},
                     {"deciles", std::move(deciles)}});
  }
  return {{"from", FormatTimestamp(correlations.from)},
          {"to", FormatTimestamp(correlations.to)},
          {"correlations", std::move(pairs)}};
}

std::string ToTable(const Correlations& correlations) {
  char line[256];
  (void)std::snprintf(line, sizeof line, "%-24s %-16s %8s %7s %16s %9s %7s %9s  %s\n", "field", "target", "n",
                      "pearson", "ci95", "p", "spearman", "p", "decile means (low field -> high)");
  std::string text = line;
  for (const FieldCorrelation& pair : correlations.pairs) {
    const std::string ci =
        Number(pair.pearson, &Correlation::low, "%.3f") + ".." + Number(pair.pearson, &Correlation::high, "%.3f");
    (void)std::snprintf(
        line, sizeof line, "%-24s %-16s %8lld %7s %16s %9s %7s %9s  ", pair.field.c_str(), pair.target.c_str(),
        static_cast<long long>(pair.n), Number(pair.pearson, &Correlation::r, "%.3f").c_str(), ci.c_str(),
        Number(pair.pearson, &Correlation::p, "%.2g").c_str(), Number(pair.spearman, &Correlation::r, "%.3f").c_str(),
        Number(pair.spearman, &Correlation::p, "%.2g").c_str());
    text += line;
    for (const Decile& d : pair.deciles) {
      (void)std::snprintf(line, sizeof line, "%s%.3g", d.decile == 1 ? "" : " ", d.mean);
      text += line;
    }
    text += "\n";
  }
  return text;
}

}  // namespace faceloop::insights
