#include "reports/builder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "insights/correlations.hpp"
#include "insights/drift.hpp"
#include "insights/feedback_summary.hpp"
#include "insights/outliers.hpp"
#include "insights/summary.hpp"
#include "reports/sentences.hpp"

namespace faceloop::reports {
namespace {

using insights::Histogram;
using insights::Slice;

/// The rollups are hourly: a period in a zone whose offset is not a whole hour is read from the
/// hours that start in it.
Time HourAtOrAfter(Time t) {
  const Time floor = insights::FloorHour(t);
  return floor == t ? t : floor + std::chrono::hours(1);
}

insights::SummaryQuery HourlyQuery(Time from, Time to) {
  return {HourAtOrAfter(from), HourAtOrAfter(to), insights::Bucket::kHour};
}

Distribution Summarize(const Histogram& h) {
  return {h.moments().count, h.moments().Mean(), h.Percentile(10), h.Percentile(50),
          h.Percentile(90),  h.Percentile(95),   h.Percentile(99)};
}

SliceReport ToSliceReport(const Slice& s, std::string name, std::string version) {
  return {std::move(name),      std::move(version),     s.requests, s.errors, s.faces, s.no_face, s.errors_by_type,
          Summarize(s.latency), Summarize(s.confidence)};
}

std::optional<double> Delta(const std::optional<double>& now, const std::optional<double>& before) {
  if (!now || !before) return std::nullopt;
  return *now - *before;
}

/// Hours of a daily report; local days of a weekly or monthly one (hour rollups regrouped, so a
/// 23- or 25-hour day across a DST change is one point).
std::vector<SeriesPoint> Series(const insights::Summary& hourly, const ReportInputs& in) {
  std::vector<std::pair<Time, Slice>> steps;
  for (const insights::BucketSummary& bucket : hourly.buckets) {
    Time key = bucket.start;
    if (in.window.period != Period::kDay) {
      key = PeriodAt(Period::kDay, bucket.start, *in.zone).start;
    }
    if (steps.empty() || steps.back().first != key) steps.emplace_back(key, Slice{});
    steps.back().second.Merge(bucket.all);
  }
  std::vector<SeriesPoint> points;
  points.reserve(steps.size());
  for (const auto& [start, slice] : steps) {
    points.push_back({start, slice.requests, slice.confidence.moments().Mean(), slice.confidence.Percentile(10)});
  }
  return points;
}

std::vector<CorrelationFinding> NamedCorrelations(const insights::Correlations& all) {
  std::vector<CorrelationFinding> found;
  for (const insights::FieldCorrelation& pair : all.pairs) {
    if (pair.target == "face_count" || !pair.spearman) continue;  // confidence <-> metadata only
    const insights::Correlation& rho = *pair.spearman;
    if (std::abs(rho.r) < kMinNamedRho || rho.p > kMaxNamedP) continue;
    CorrelationFinding f{pair.field, pair.target, rho.n, rho.r, rho.p, {}, {}};
    for (const insights::Decile& d : pair.deciles) f.curve.push_back({d.x_min, d.x_max, d.mean, d.count});
    found.push_back(std::move(f));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::abs(a.spearman) > std::abs(b.spearman) ||
           (std::abs(a.spearman) == std::abs(b.spearman) && std::tie(a.field, a.target) < std::tie(b.field, b.target));
  });
  // One finding per field: the image's best and mean confidence usually say the same thing.
  std::vector<CorrelationFinding> named;
  for (CorrelationFinding& f : found) {
    const bool seen = std::any_of(named.begin(), named.end(), [&f](const auto& n) { return n.field == f.field; });
    if (!seen && named.size() < kReportCorrelations) named.push_back(std::move(f));
  }
  for (CorrelationFinding& f : named) f.sentence = CorrelationSentence(f.field, f.target, f.spearman, f.n);
  return named;
}

std::vector<DriftFinding> Drift(db::IDatabase& database, const ReportInputs& in, const PeriodWindow& previous) {
  insights::DriftQuery query;
  for (const insights::Feature& feature : insights::Features()) query.features.push_back(&feature);
  query.reference = {HourAtOrAfter(previous.start), HourAtOrAfter(previous.end)};
  query.current = {HourAtOrAfter(in.window.start), HourAtOrAfter(in.window.end)};
  std::vector<DriftFinding> found;
  for (const insights::FeatureDrift& f : insights::ComputeDrift(database, query, in.thresholds).features) {
    found.push_back({std::string(f.feature->name), std::string(insights::VerdictName(f.stats.verdict)), f.stats.psi,
                     f.stats.ks, f.stats.mean_shift});
  }
  return found;
}

std::string ReasonText(const insights::OutlierReason& r) {
  char text[160];
  if (r.z) {
    (void)std::snprintf(text, sizeof text, "%s: %s = %.4g (robust z %.1f)", r.kind.c_str(), r.feature.c_str(), r.value,
                        *r.z);
  } else {
    (void)std::snprintf(text, sizeof text, "%s: %s = %.4g (limit %.4g)", r.kind.c_str(), r.feature.c_str(), r.value,
                        r.threshold);
  }
  return text;
}

std::vector<OutlierFinding> Outliers(db::IDatabase& database, const ReportInputs& in) {
  insights::OutlierQuery query;
  query.from = HourAtOrAfter(in.window.start);
  query.to = HourAtOrAfter(in.window.end);
  query.reference_from = query.from - std::chrono::days(7);
  query.limit = kReportOutliers;
  std::vector<OutlierFinding> found;
  for (const insights::Outlier& o : insights::FindOutliers(database, query).outliers) {
    OutlierFinding f{
        o.record.request_id, o.record.received_at, o.score, {}, "/v1/requests/" + o.record.request_id + "/annotated"};
    for (const insights::OutlierReason& r : o.reasons) f.reasons.push_back(ReasonText(r));
    found.push_back(std::move(f));
  }
  return found;
}

FeedbackTotals Feedback(db::IDatabase& database, const ReportInputs& in) {
  const insights::FeedbackSlice all =
      insights::SummarizeFeedback(database, HourlyQuery(in.window.start, in.window.end)).total.all;
  return {all.Total(), all.verdicts[0], all.verdicts[1], all.verdicts[2], all.MeanRating()};
}

}  // namespace

Report BuildReport(db::IDatabase& database, const ReportInputs& in) {
  const PeriodWindow previous = PreviousPeriod(in.window, *in.zone);
  const insights::Summary now = insights::Summarize(database, HourlyQuery(in.window.start, in.window.end));
  const insights::Summary before = insights::Summarize(database, HourlyQuery(previous.start, previous.end));

  Report report;
  report.period = std::string(PeriodName(in.window.period));
  report.first_day = FormatLocalDate(in.window.first_day);
  report.time_zone = in.zone->name();
  report.start = in.window.start;
  report.end = in.window.end;
  report.generated_at = in.now;
  report.users = {now.total.users.unique, now.total.users.returning};
  report.all = ToSliceReport(now.total.all, "", "");
  for (const auto& [model, slice] : now.total.models) {
    report.models.push_back(ToSliceReport(slice, model.first, model.second));
  }
  const Distribution previous_confidence = Summarize(before.total.all.confidence);
  report.confidence_change = {previous_confidence, Delta(report.all.confidence.mean, previous_confidence.mean),
                              Delta(report.all.confidence.p10, previous_confidence.p10),
                              Delta(report.all.confidence.p50, previous_confidence.p50)};
  report.series = Series(now, in);
  report.correlations = NamedCorrelations(insights::Correlate(database, HourlyQuery(in.window.start, in.window.end)));
  report.drift = Drift(database, in, previous);
  report.outliers = Outliers(database, in);
  report.feedback = Feedback(database, in);
  return report;
}

}  // namespace faceloop::reports
