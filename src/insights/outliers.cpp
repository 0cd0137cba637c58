#include "insights/outliers.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>

#include "common/error.hpp"
#include "common/time.hpp"
#include "insights/features.hpp"
#include "requests/metrics.hpp"
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
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value) || value < 1 || value > 100) {
    Refuse("threshold", "must be a finite number from 1 to 100 (a robust z-score)");
  }
  return value;
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
  std::string marks;
  db::Params params = {FormatTimestamp(from), FormatTimestamp(to)};
  for (const std::string& name : names) {
    histograms.emplace(name, Histogram(Named(name)));
    marks += marks.empty() ? "?" : ", ?";
    params.emplace_back(name);
  }
  const std::string sql =
      "SELECT feature, bin, SUM(count), SUM(sum_x), SUM(sum_x2) FROM rollup_bins WHERE hour >= ? AND hour < ? AND "
      "feature IN (" +
      marks + ") GROUP BY feature, bin";
  for (const db::Row& row : database.Query(sql, params)) {
    histograms.at(row.Get<std::string>(0))
        .AddBin(static_cast<std::size_t>(row.Get<std::int64_t>(1)),
                Moments{row.Get<std::int64_t>(2), row.Get<double>(3), row.Get<double>(4)});
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

/// SQL and parameters of the query over the window: each criterion a term that reaches 1 where it
/// flags the request; the score is the largest term.
struct Scoring {
  std::string columns;  ///< the values the reasons need, from `requests`: ", expr AS name, ..."
  std::string names;    ///< ", name, ..." of those values
  std::string terms;    ///< over those values
  db::Params params;    ///< of the terms, in order
};

std::string Param(Scoring& s, double value) {
  s.params.emplace_back(value);
  return "CAST(? AS DOUBLE PRECISION)";
}

Scoring MakeScoring(const Reference& reference, double threshold, db::Dialect dialect) {
  Scoring s;
  for (std::size_t i = 0; i < reference.metadata.size(); ++i) {
    const FeatureReference& f = reference.metadata[i];
    std::string v = "v";  // not "v" + to_string(i): GCC 12 warns falsely (-Wrestrict) on that
    v += std::to_string(i);
    s.columns += ", " + requests::NumericSql(f.feature, dialect) + " AS " + v;
    s.names += ", " + v;
    const std::string median = Param(s, f.center.median);
    const std::string scale = Param(s, kMadScale * f.center.mad * threshold);
    s.terms.append(", COALESCE(ABS(")
        .append(v)
        .append(" - ")
        .append(median)
        .append(") / ")
        .append(scale)
        .append(", 0)");
  }
  s.columns += ", " + requests::NumericSql(kLatency, dialect) + " AS latency, " +
               requests::NumericSql(kConfidence, dialect) + " AS confidence, " + requests::NumericSql(kFaces, dialect) +
               " AS faces";
  s.names += ", latency, confidence, faces";
  if (reference.latency_p99 && *reference.latency_p99 > 0) {
    s.terms += ", COALESCE(latency / " + Param(s, *reference.latency_p99) + ", 0)";
  }
  if (reference.low_confidence && *reference.low_confidence > 0) {
    // 1 + (low - confidence) / low: from 1 just below the cut to 2 at confidence 0.
    const std::string low = Param(s, *reference.low_confidence);
    s.terms += ", CASE WHEN confidence < " + low + " THEN 2 - confidence / " + Param(s, *reference.low_confidence) +
               " ELSE 0 END";
  }
  if (reference.no_face_unusual) s.terms += ", CASE WHEN faces = 0 THEN 1 ELSE 0 END";
  return s;
}

/// Reasons recomputed from the values the query returns (first column 2), with the same limits.
std::vector<OutlierReason> Reasons(const db::Row& row, const Reference& reference, double threshold) {
  std::vector<OutlierReason> reasons;
  std::size_t at = 2;
  for (const FeatureReference& f : reference.metadata) {
    const auto value = row.Get<std::optional<double>>(at++);
    if (!value) continue;
    const auto z = RobustZ(*value, f.center);
    if (z && *z >= threshold) reasons.push_back({"metadata", f.feature, *value, z, threshold});
  }
  const auto latency = row.Get<std::optional<double>>(at++);
  const auto confidence = row.Get<std::optional<double>>(at++);
  const auto faces = row.Get<std::optional<double>>(at++);
  if (latency && reference.latency_p99 && *latency >= *reference.latency_p99) {
    reasons.push_back({"slow", std::string(kLatency), *latency, std::nullopt, *reference.latency_p99});
  }
  if (confidence && reference.low_confidence && *confidence < *reference.low_confidence) {
    reasons.push_back(
        {"low_confidence", std::string(kConfidence), *confidence, std::nullopt, *reference.low_confidence});
  }
  if (faces && *faces == 0 && reference.no_face_unusual) {
    reasons.push_back({"no_face", std::string(kFaces), 0, std::nullopt, kFaceShareForNoFace});
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

Outliers FindOutliers(db::IDatabase& database, const OutlierQuery& query) {
  Outliers result{query, ReadReference(database, query.reference_from, query.from, RobustFeatures()), {}};
  Scoring s = MakeScoring(result.reference, query.threshold, database.dialect());
  if (s.terms.empty()) return result;  // no criterion has a reference: nothing is unusual yet
  // Values first (innermost), then their score, then the filter: each expression is written once.
  const std::string greatest = database.dialect() == db::Dialect::kSqlite ? "MAX" : "GREATEST";
  const std::string sql = "SELECT id, score" + s.names + " FROM (SELECT vals.*, " + greatest + "(0.0" + s.terms +
                          ") AS score FROM (SELECT id" + s.columns +
                          " FROM requests WHERE received_at >= ? AND received_at < ? AND status = 200) AS vals) AS "
                          "scored WHERE score >= 1 ORDER BY score DESC, id LIMIT ?";
  db::Params params = std::move(s.params);
  params.emplace_back(FormatTimestamp(query.from));
  params.emplace_back(FormatTimestamp(query.to));
  params.emplace_back(static_cast<std::int64_t>(query.limit));
  requests::RequestStore store(database);
  for (const db::Row& row : database.Query(sql, params)) {
    auto record = store.Find(row.Get<std::string>(0));
    if (!record) continue;  // purged since (an account deleted meanwhile)
    result.outliers.push_back(
        {row.Get<double>(1), Reasons(row, result.reference, query.threshold), std::move(*record)});
  }
  return result;
}

}  // namespace faceloop::insights
