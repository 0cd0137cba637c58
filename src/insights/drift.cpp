#include "insights/drift.hpp"

#include <map>

#include "common/error.hpp"
#include "common/time.hpp"
#include "insights/rollup_rows.hpp"

namespace faceloop::insights {
namespace {

/// Kept as keys (the rest of rollup_bins' keys, hour and model, are summed over).
bool KeptKey(std::string_view column) { return column == "feature" || column == "bin"; }

/// SELECT feature, bin, SUM(count), SUM(sum_x), SUM(sum_x2) over one window, derived from
/// BinRow's column list like every rollup statement.
std::string SelectWindowSql(std::size_t features, bool one_model) {
  std::string select, group;
  const BinRow shape{};
  BinRow::ForEachColumn(
      [&](const Column& column, const auto&) {
        const std::string name(column.name);
        if (column.role == ColumnRole::kKey && !KeptKey(name)) return;
        if (column.role == ColumnRole::kKey) group += (group.empty() ? "" : ", ") + name;
        select += (select.empty() ? "" : ", ") + (column.role == ColumnRole::kKey ? name : "SUM(" + name + ")");
      },
      shape);
  std::string marks;
  for (std::size_t i = 0; i < features; ++i) marks += i == 0 ? "?" : ", ?";
  return "SELECT " + select + " FROM " + std::string(BinRow::kTable) + " WHERE feature IN (" + marks +
         ") AND hour >= ? AND hour < ?" + (one_model ? " AND model_version = ?" : "") + " GROUP BY " + group;
}

/// The row of SelectWindowSql: the kept keys and the counters, in the statement's order.
BinRow ReadWindowRow(const db::Row& stored) {
  BinRow row;
  std::size_t at = 0;
  BinRow::ForEachColumn(
      [&](const Column& column, auto& value) {
        if (column.role == ColumnRole::kKey && !KeptKey(column.name)) return;
        value = stored.Get<std::decay_t<decltype(value)>>(at++);
      },
      row);
  return row;
}

/// Each queried feature's histogram over `window`.
std::map<std::string_view, Histogram> ReadWindow(db::IDatabase& database, const DriftQuery& query,
                                                 const HourWindow& window) {
  std::map<std::string_view, Histogram> histograms;
  db::Params params;
  for (const Feature* feature : query.features) {
    histograms.emplace(feature->name, Histogram(*feature));
    params.emplace_back(std::string(feature->name));
  }
  params.emplace_back(FormatTimestamp(window.from));
  params.emplace_back(FormatTimestamp(window.to));
  if (query.model_version) params.emplace_back(*query.model_version);
  const std::string sql = SelectWindowSql(query.features.size(), query.model_version.has_value());
  for (const db::Row& stored : database.Query(sql, params)) {
    const BinRow row = ReadWindowRow(stored);
    const auto it = histograms.find(row.feature);
    // The statement's IN list holds only the queried features: another one is a bug.
    if (it == histograms.end()) throw Error(ErrorCode::kInternal, "insights: unasked feature " + row.feature);
    it->second.AddBin(static_cast<std::size_t>(row.bin), Moments{row.count, row.sum_x, row.sum_x2});
  }
  return histograms;
}

}  // namespace

DriftReport ComputeDrift(db::IDatabase& database, const DriftQuery& query, const DriftThresholds& thresholds) {
  DriftReport report{query, thresholds, {}};
  if (query.features.empty()) return report;
  const auto reference = ReadWindow(database, query, query.reference);
  const auto current = ReadWindow(database, query, query.current);
  for (const Feature* feature : query.features) {
    const Histogram& ref = reference.at(feature->name);
    const Histogram& cur = current.at(feature->name);
    report.features.push_back({feature, ref.moments(), cur.moments(), CompareHistograms(ref, cur, thresholds)});
  }
  return report;
}

}  // namespace faceloop::insights
