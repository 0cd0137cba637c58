#include "alerts/metric.hpp"

#include "common/error.hpp"
#include "common/time.hpp"
#include "insights/bucket.hpp"
#include "insights/drift.hpp"
#include "insights/feedback_summary.hpp"
#include "insights/histogram.hpp"
#include "insights/rollup_sql.hpp"

namespace faceloop::alerts {
namespace {

/// The whole window as one bucket: an empty key, written over the column because PostgreSQL
/// refuses a constant in GROUP BY.
constexpr const char* kOneBucket = "substr(hour, 1, 0)";

struct Totals {
  std::int64_t requests = 0;
  std::int64_t errors = 0;
  std::int64_t no_face = 0;
};

Totals ReadHours(db::IDatabase& database, const Window& w) {
  Totals totals;
  const std::string sql = insights::SelectByBucketSql<insights::HourRow>(kOneBucket, "hour >= ? AND hour < ?");
  for (const db::Row& stored : database.Query(sql, {FormatTimestamp(w.from), FormatTimestamp(w.to)})) {
    const auto row = insights::FromRow<insights::HourRow>(stored);
    totals.requests += row.requests;
    totals.errors += row.errors;
    totals.no_face += row.no_face;
  }
  return totals;
}

insights::Histogram ReadHistogram(db::IDatabase& database, std::string_view feature_name, const Window& w) {
  const insights::Feature* feature = insights::FindFeature(feature_name);
  if (feature == nullptr) throw Error(ErrorCode::kInternal, "alerts: no feature " + std::string(feature_name));
  insights::Histogram histogram(*feature);
  const std::string sql =
      insights::SelectByBucketSql<insights::BinRow>(kOneBucket, "feature = ? AND hour >= ? AND hour < ?");
  for (const db::Row& stored :
       database.Query(sql, {std::string(feature_name), FormatTimestamp(w.from), FormatTimestamp(w.to)})) {
    const auto row = insights::FromRow<insights::BinRow>(stored);
    histogram.AddBin(static_cast<std::size_t>(row.bin), insights::Moments{row.count, row.sum_x, row.sum_x2});
  }
  return histogram;
}

std::optional<double> Share(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

Observation Drift(db::IDatabase& database, const Rule& rule, const Window& w,
                  const insights::DriftThresholds& thresholds) {
  const insights::Feature* feature = insights::FindFeature(rule.feature.value_or(""));
  if (feature == nullptr) throw Error(ErrorCode::kInternal, "alerts: rule " + rule.id + " has no known feature");
  insights::DriftQuery query;
  query.features = {feature};
  query.current = {w.from, w.to};
  query.reference = {w.from - std::chrono::days(insights::kDefaultReferenceDays), w.from};
  const insights::DriftReport report = insights::ComputeDrift(database, query, thresholds);
  const insights::DriftStats& stats = report.features.at(0).stats;
  Observation observation{std::nullopt, std::min(stats.reference_count, stats.current_count), w};
  if (rule.metric == "drift_psi") {
    observation.value = stats.psi;
  } else if (stats.verdict != insights::Verdict::kInsufficientData) {
    observation.value = stats.verdict == insights::Verdict::kDrift  ? 2.0
                        : stats.verdict == insights::Verdict::kWarn ? 1.0
                                                                    : 0.0;
  }
  return observation;
}

Observation NegativeFeedback(db::IDatabase& database, const Window& w) {
  const insights::FeedbackSummary summary =
      insights::SummarizeFeedback(database, {w.from, w.to, insights::Bucket::kMonth});
  const insights::FeedbackSlice& all = summary.total.all;
  const std::int64_t incorrect = all.verdicts[2];  // kVerdicts: correct, partly correct, incorrect
  return {Share(incorrect, all.Total()), all.Total(), w};
}

}  // namespace

const std::vector<MetricSpec>& Metrics() {
  static const std::vector<MetricSpec> metrics = {
      {"confidence_mean", false, "mean confidence of the returned faces"},
      {"confidence_p10", false, "10th percentile of the returned faces' confidence"},
      {"no_face_share", false, "share of successful requests that found no face"},
      {"error_share", false, "share of requests that failed (4xx)"},
      {"latency_p95", false, "95th percentile of the engine's time per request, ms"},
      {"drift_psi", true, "PSI of a feature: the window against the 7 days before it"},
      {"drift_verdict", true, "drift verdict of a feature: 0 stable, 1 warn, 2 drift"},
      {"negative_feedback_share", false, "share of feedback given in the window that says incorrect"},
  };
  return metrics;
}

const MetricSpec* FindMetric(std::string_view name) {
  for (const MetricSpec& metric : Metrics()) {
    if (metric.name == name) return &metric;
  }
  return nullptr;
}

Window WindowAt(std::int64_t window_minutes, Time now) {
  return {insights::FloorHour(now - std::chrono::minutes(window_minutes)),
          insights::FloorHour(now) + std::chrono::hours(1)};
}

Observation Measure(db::IDatabase& database, const Rule& rule, Time now, const insights::DriftThresholds& thresholds) {
  const Window w = WindowAt(rule.window_minutes, now);
  const std::string& m = rule.metric;
  if (m == "drift_psi" || m == "drift_verdict") return Drift(database, rule, w, thresholds);
  if (m == "negative_feedback_share") return NegativeFeedback(database, w);
  if (m == "confidence_mean" || m == "confidence_p10" || m == "latency_p95") {
    const bool latency = m == "latency_p95";
    const insights::Histogram histogram =
        ReadHistogram(database, latency ? insights::kLatencyFeature : insights::kConfidenceFeature, w);
    const std::optional<double> value = m == "confidence_mean" ? histogram.moments().Mean()
                                        : latency              ? histogram.Percentile(95)
                                                               : histogram.Percentile(10);
    return {value, histogram.moments().count, w};
  }
  const Totals totals = ReadHours(database, w);
  if (m == "no_face_share") {
    const std::int64_t succeeded = totals.requests - totals.errors;
    return {Share(totals.no_face, succeeded), succeeded, w};
  }
  if (m == "error_share") return {Share(totals.errors, totals.requests), totals.requests, w};
  throw Error(ErrorCode::kInternal, "alerts: unknown metric " + m);
}

}  // namespace faceloop::alerts
