#include "insights/correlations.hpp"

#include <cstdio>
#include <optional>

#include "common/time.hpp"
#include "insights/features.hpp"
#include "insights/rollups.hpp"
#include "requests/aggregates.hpp"

namespace faceloop::insights {
namespace {

PairSums ToPairSums(std::int64_t n, const requests::Sums& s) { return {n, s.x, s.y, s.xx, s.yy, s.xy}; }

FieldCorrelation CorrelatePair(const requests::SampleColumn& x, const requests::SampleColumn& y) {
  FieldCorrelation result{x.field, y.field, 0, std::nullopt, std::nullopt, {}};
  PairSums values, ranks;
  for (const requests::PairTile& tile : requests::RankPairs(x, y)) {
    values.Add(ToPairSums(tile.count, tile.values));
    ranks.Add(ToPairSums(tile.count, tile.ranks));
    result.deciles.push_back({static_cast<int>(tile.tile), tile.count, tile.x_min, tile.x_max,
                              tile.values.y / static_cast<double>(tile.count)});
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

Correlations Correlate(db::IDatabase& database, const SummaryQuery& query, std::int64_t sample_cap) {
  Correlations result{query.from, query.to, {}, {}};
  result.sample.window_records = CountSuccesses(database, query.from, query.to);
  const requests::SamplePlan plan = requests::PlanSample(result.sample.window_records, sample_cap);
  result.sample.exact = plan.exact();
  result.sample.fraction = plan.fraction();
  std::vector<std::string> names = CorrelationFields();
  const std::size_t targets_at = names.size();
  for (const std::string& target : CorrelationTargets()) names.push_back(target);
  const requests::ValueSample sample = requests::SampleValues(database, query.from, query.to, names, plan);
  result.sample.records = sample.rows;
  for (std::size_t field = 0; field < targets_at; ++field) {
    for (std::size_t target = targets_at; target < names.size(); ++target) {
      result.pairs.push_back(CorrelatePair(sample.columns[field], sample.columns[target]));
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
          {"sample", ToJson(correlations.sample)},
          {"correlations", std::move(pairs)}};
}

std::string ToTable(const Correlations& correlations) {
  char line[256];
  (void)std::snprintf(line, sizeof line, "%s: %lld of the window's %lld successful requests\n",
                      correlations.sample.exact ? "all requests" : "uniform sample",
                      static_cast<long long>(correlations.sample.records),
                      static_cast<long long>(correlations.sample.window_records));
  std::string text = line;
  (void)std::snprintf(line, sizeof line, "%-24s %-16s %8s %7s %16s %9s %7s %9s  %s\n", "field", "target", "n",
                      "pearson", "ci95", "p", "spearman", "p", "decile means (low field -> high)");
  text += line;
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
