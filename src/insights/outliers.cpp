#include "insights/outliers.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>

#include "common/error.hpp"
#include "common/number_text.hpp"
#include "common/time.hpp"
#include "insights/day_window.hpp"
#include "insights/features.hpp"
#include "insights/rollups.hpp"
#include "requests/aggregates.hpp"
#include "requests/store.hpp"

namespace faceloop::insights {
namespace {

[[noreturn]] void Refuse(const std::string& parameter, const std::string& why) {
  throw Error(ErrorCode::kUnprocessable, "parameter " + parameter + " " + why);
}

int LimitParam(const std::string& text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1 || value > kMaxOutlierLimit) {
    Refuse("limit", "must be an integer from 1 to " + std::to_string(kMaxOutlierLimit));
  }
  return value;
}

double ThresholdParam(const std::string& text) {
  const std::optional<double> value = ParseFiniteNumber(text);
  if (!value || *value < 1 || *value > 100) {
    Refuse("threshold", "must be a finite number from 1 to 100 (a robust z-score)");
  }
  return *value;
}

constexpr std::string_view kLatency = "total_ms";
constexpr std::string_view kConfidence = "confidence_max";
constexpr std::string_view kFaces = "face_count";

const Feature& Named(std::string_view name) {
  const Feature* feature = FindFeature(name);
  if (feature == nullptr) throw Error(ErrorCode::kInternal, "insights: no feature " + std::string(name));
  return *feature;
}

/// The reference's histograms of `names`, summed over its hours and model versions.
std::map<std::string, Histogram> ReadHistograms(db::IDatabase& database, Time from, Time to,
                                                const std::vector<std::string>& names) {
  std::map<std::string, Histogram> histograms;
  for (const std::string& name : names) histograms.emplace(name, Histogram(Named(name)));
  for (const BinRow& row : SumBins(database, from, to, names)) {
    histograms.at(row.feature).AddBin(static_cast<std::size_t>(row.bin), Moments{row.count, row.sum_x, row.sum_x2});
  }
  return histograms;
}

/// A percentile, when the histogram holds enough values for it to mean something.
std::optional<double> Enough(const Histogram& histogram, double p) {
  if (histogram.moments().count < kMinReferenceValues) return std::nullopt;
  return histogram.Percentile(p);
}

void ReadFaceShare(db::IDatabase& database, Time from, Time to, Reference& reference) {
  const auto row =
      database.QueryOne("SELECT SUM(requests - errors), SUM(no_face) FROM rollup_hours WHERE hour >= ? AND hour < ?",
                        {FormatTimestamp(from), FormatTimestamp(to)});
  reference.successes = row ? row->Get<std::optional<std::int64_t>>(0).value_or(0) : 0;
  if (reference.successes < kMinReferenceValues) return;
  const auto no_face = static_cast<double>(row->Get<std::optional<std::int64_t>>(1).value_or(0));
  reference.face_share = 1 - no_face / static_cast<double>(reference.successes);
  reference.no_face_unusual = *reference.face_share >= kFaceShareForNoFace;
}

using Kind = requests::ScoreTerm::Kind;

/// The criteria with a reference, as score terms (each reaching 1 where it flags a request), and
/// the reason each gives.
struct Criteria {
  std::vector<requests::ScoreTerm> terms;
  std::vector<std::string> kinds;  ///< per term: metadata | slow | low_confidence | no_face
};

Criteria MakeCriteria(const Reference& reference, double threshold) {
  Criteria c;
  auto add = [&c](const char* kind, requests::ScoreTerm term) {
    c.terms.push_back(std::move(term));
    c.kinds.emplace_back(kind);
  };
  for (const FeatureReference& f : reference.metadata) {
    // |x - median| / (1.4826 MAD threshold) >= 1 exactly where the robust z is >= threshold.
    add("metadata", {f.feature, Kind::kDistance, f.center.median, kMadScale * f.center.mad * threshold});
  }
  if (reference.latency_p99 && *reference.latency_p99 > 0) {
    add("slow", {std::string(kLatency), Kind::kRatio, 0, *reference.latency_p99});
  }
  if (reference.low_confidence && *reference.low_confidence > 0) {
    add("low_confidence", {std::string(kConfidence), Kind::kBelow, 0, *reference.low_confidence});
  }
  if (reference.no_face_unusual) add("no_face", {std::string(kFaces), Kind::kZero, 0, 1});
  return c;
}

/// The terms that flag the request (value >= 1), as reasons, from the values the query returned.
std::vector<OutlierReason> Reasons(const requests::ScoredRequest& scored, const Criteria& criteria, double threshold) {
  std::vector<OutlierReason> reasons;
  for (std::size_t i = 0; i < criteria.terms.size(); ++i) {
    const requests::ScoreTerm& term = criteria.terms[i];
    const auto& value = scored.values[i];
    if (!value || requests::TermValue(term, *value) < 1) continue;
    OutlierReason reason{criteria.kinds[i], term.field, *value, std::nullopt, term.scale};
    if (term.kind == Kind::kDistance) {
      reason.z = requests::TermValue(term, *value) * threshold;  // the term is z / threshold
      reason.threshold = threshold;
    } else if (term.kind == Kind::kZero) {
      reason.threshold = kFaceShareForNoFace;
    }
    reasons.push_back(std::move(reason));
  }
  return reasons;
}

}  // namespace

OutlierQuery ParseOutlierQuery(const OutlierParams& params, int max_days, Time now) {
  const SummaryQuery window = ParseSummaryQuery({params.from, params.to, std::nullopt}, max_days, now);
  OutlierQuery query;
  query.from = window.from;
  query.to = window.to;
  query.reference_from = window.from - std::chrono::days(kDefaultWindowDays);
  if (params.limit) query.limit = LimitParam(*params.limit);
  if (params.threshold) query.threshold = ThresholdParam(*params.threshold);
  return query;
}

std::vector<std::string> RobustFeatures() {
  std::vector<std::string> names;
  for (const Feature& feature : Features()) {
    if (feature.name.substr(0, 6) == "image." && feature.bins() > 10) names.emplace_back(feature.name);
  }
  return names;
}

Reference ReadReference(db::IDatabase& database, Time from, Time to, const std::vector<std::string>& features) {
  std::vector<std::string> names = features;
  names.emplace_back(kLatency);
  names.emplace_back(kConfidence);
  const auto histograms = ReadHistograms(database, from, to, names);
  Reference reference;
  for (const std::string& name : features) {
    const Histogram& histogram = histograms.at(name);
    if (histogram.moments().count < kMinReferenceValues) continue;
    const auto center = BinnedMedianMad(histogram);
    if (center && center->mad > 0) reference.metadata.push_back({name, histogram.moments().count, *center});
  }
  reference.latency_p99 = Enough(histograms.at(std::string(kLatency)), 99);
  reference.low_confidence = Enough(histograms.at(std::string(kConfidence)), 1);
  ReadFaceShare(database, from, to, reference);
  return reference;
}

Outliers FindOutliers(db::IDatabase& database, const OutlierQuery& query, std::int64_t sample_cap) {
  Outliers result{query, ReadReference(database, query.reference_from, query.from, RobustFeatures()), {}, {}};
  const Criteria criteria = MakeCriteria(result.reference, query.threshold);
  result.sample.window_records = CountSuccesses(database, query.from, query.to);
  const requests::SamplePlan plan = requests::PlanSample(result.sample.window_records, sample_cap);
  result.sample.exact = plan.exact();
  result.sample.fraction = plan.fraction();
  // Expected, not counted: counting the sample would cost a second pass over it.
  result.sample.records = plan.exact() ? result.sample.window_records
                                       : static_cast<std::int64_t>(std::llround(
                                             plan.fraction() * static_cast<double>(result.sample.window_records)));
  requests::RequestStore store(database);
  for (const requests::ScoredRequest& scored :
       requests::TopScored(database, query.from, query.to, criteria.terms, query.limit, plan)) {
    auto record = store.Find(scored.id);
    if (!record) continue;  // purged since (an account deleted meanwhile)
    result.outliers.push_back({scored.score, Reasons(scored, criteria, query.threshold), std::move(*record)});
  }
  return result;
}

}  // namespace faceloop::insights
