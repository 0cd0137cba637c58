#include "insights/drift.hpp"

#include <map>

#include "common/error.hpp"
#include "common/time.hpp"
#include "insights/day_window.hpp"

namespace faceloop::insights {
namespace {

/// Each queried feature's histogram over `window`.
std::map<std::string_view, Histogram> ReadWindow(db::IDatabase& database, const DriftQuery& query,
                                                 const HourWindow& window) {
  std::map<std::string_view, Histogram> histograms;
  std::vector<std::string> names;
  for (const Feature* feature : query.features) {
    histograms.emplace(feature->name, Histogram(*feature));
    names.emplace_back(feature->name);
  }
  for (const BinRow& row : SumBins(database, window.from, window.to, names, query.model_version)) {
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
