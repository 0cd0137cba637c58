#pragma once
// The report: one typed value per period, built by BuildReport (builder.hpp), stored as JSON in
// `reports` (store.hpp), served by GET /v1/reports/{id} and rendered as the e-mail (email.hpp).
// Each struct lists its fields once in a Fields() function; the JSON form in both directions is
// derived from those lists (report_json.cpp), so the API, the stored row and the e-mail cannot
// disagree on a name.
#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/zone.hpp"

namespace faceloop::reports {

/// S is T or const T: picks the Fields() overload of a struct.
template <typename S, typename T>
concept Is = std::same_as<std::remove_const_t<S>, T>;

/// A distribution's summary (confidence, latency); absent values where there were none.
struct Distribution {
  std::int64_t count = 0;
  std::optional<double> mean;
  std::optional<double> p10;
  std::optional<double> p50;
  std::optional<double> p90;
  std::optional<double> p95;
  std::optional<double> p99;
};
template <Is<Distribution> S, typename V>
void Fields(S& s, V&& v) {
  v("count", s.count), v("mean", s.mean), v("p10", s.p10), v("p50", s.p50), v("p90", s.p90), v("p95", s.p95),
      v("p99", s.p99);
}

/// Traffic, errors, latency and confidence of all models together or of one model version.
struct SliceReport {
  std::string model_name;     ///< empty for all models together
  std::string model_version;  ///< empty for all models together
  std::int64_t requests = 0;
  std::int64_t errors = 0;
  std::int64_t faces = 0;
  std::int64_t no_face = 0;  ///< successful requests without a face
  std::map<std::string, std::int64_t> errors_by_type;
  Distribution latency_ms;
  Distribution confidence;
};
template <Is<SliceReport> S, typename V>
void Fields(S& s, V&& v) {
  v("model_name", s.model_name), v("model_version", s.model_version), v("requests", s.requests), v("errors", s.errors),
      v("faces", s.faces), v("no_face", s.no_face), v("errors_by_type", s.errors_by_type),
      v("latency_ms", s.latency_ms), v("confidence", s.confidence);
}

/// This period's confidence against the previous period's: current minus previous.
struct ConfidenceChange {
  Distribution previous;
  std::optional<double> mean_delta;
  std::optional<double> p10_delta;
  std::optional<double> p50_delta;
};
template <Is<ConfidenceChange> S, typename V>
void Fields(S& s, V&& v) {
  v("previous", s.previous), v("mean_delta", s.mean_delta), v("p10_delta", s.p10_delta), v("p50_delta", s.p50_delta);
}

/// One step of the time series the charts draw: an hour of a daily report, a local day otherwise.
struct SeriesPoint {
  Time start;
  std::int64_t requests = 0;
  std::optional<double> confidence_mean;
  std::optional<double> confidence_p10;
};
template <Is<SeriesPoint> S, typename V>
void Fields(S& s, V&& v) {
  v("start", s.start), v("requests", s.requests), v("confidence_mean", s.confidence_mean),
      v("confidence_p10", s.confidence_p10);
}

/// A step of a correlation curve: the field's decile and the target's mean over it.
struct CurvePoint {
  double x_min = 0;
  double x_max = 0;
  double mean = 0;
  std::int64_t count = 0;
};
template <Is<CurvePoint> S, typename V>
void Fields(S& s, V&& v) {
  v("x_min", s.x_min), v("x_max", s.x_max), v("mean", s.mean), v("count", s.count);
}

/// A notable confidence <-> metadata correlation, in numbers and in words.
struct CorrelationFinding {
  std::string field;   ///< "image.contrast"
  std::string target;  ///< "confidence_max"
  std::int64_t n = 0;
  double spearman = 0;
  double p = 1;
  std::string sentence;  ///< "confidence is lower for low-contrast images: Spearman -0.41, n = 12,304"
  std::vector<CurvePoint> curve;
};
template <Is<CorrelationFinding> S, typename V>
void Fields(S& s, V&& v) {
  v("field", s.field), v("target", s.target), v("n", s.n), v("spearman", s.spearman), v("p", s.p),
      v("sentence", s.sentence), v("curve", s.curve);
}

/// A feature's drift verdict against the previous period.
struct DriftFinding {
  std::string feature;
  std::string verdict;  ///< stable | warn | drift | insufficient_data
  std::optional<double> psi;
  std::optional<double> ks;
  std::optional<double> mean_shift;
};
template <Is<DriftFinding> S, typename V>
void Fields(S& s, V&& v) {
  v("feature", s.feature), v("verdict", s.verdict), v("psi", s.psi), v("ks", s.ks), v("mean_shift", s.mean_shift);
}

/// One of the period's most unusual requests.
struct OutlierFinding {
  std::string request_id;
  Time received_at;
  double score = 0;
  std::vector<std::string> reasons;  ///< "slow: total_ms 950 >= 400", ...
  std::string thumbnail_url;         ///< GET /v1/requests/{id}/annotated
};
template <Is<OutlierFinding> S, typename V>
void Fields(S& s, V&& v) {
  v("request_id", s.request_id), v("received_at", s.received_at), v("score", s.score), v("reasons", s.reasons),
      v("thumbnail_url", s.thumbnail_url);
}

struct FeedbackTotals {
  std::int64_t total = 0;
  std::int64_t correct = 0;
  std::int64_t partly_correct = 0;
  std::int64_t incorrect = 0;
  std::optional<double> mean_rating;
};
template <Is<FeedbackTotals> S, typename V>
void Fields(S& s, V&& v) {
  v("total", s.total), v("correct", s.correct), v("partly_correct", s.partly_correct), v("incorrect", s.incorrect),
      v("mean_rating", s.mean_rating);
}

struct UserTotals {
  std::int64_t unique = 0;
  std::int64_t returning = 0;  ///< more than one request on more than one day in the period
};
template <Is<UserTotals> S, typename V>
void Fields(S& s, V&& v) {
  v("unique", s.unique), v("returning", s.returning);
}

struct Report {
  std::string id;         ///< assigned when stored
  std::string period;     ///< day | week | month
  std::string first_day;  ///< the local date it starts on, YYYY-MM-DD
  std::string time_zone;
  Time start;
  Time end;
  Time generated_at;
  UserTotals users;
  SliceReport all;
  std::vector<SliceReport> models;  ///< per model version
  ConfidenceChange confidence_change;
  std::vector<SeriesPoint> series;
  std::vector<CorrelationFinding> correlations;  ///< the strongest first
  std::vector<DriftFinding> drift;
  std::vector<OutlierFinding> outliers;
  FeedbackTotals feedback;
};
template <Is<Report> S, typename V>
void Fields(S& s, V&& v) {
  v("id", s.id), v("period", s.period), v("first_day", s.first_day), v("time_zone", s.time_zone), v("start", s.start),
      v("end", s.end), v("generated_at", s.generated_at), v("users", s.users), v("all", s.all), v("models", s.models),
      v("confidence_change", s.confidence_change), v("series", s.series), v("correlations", s.correlations),
      v("drift", s.drift), v("outliers", s.outliers), v("feedback", s.feedback);
}

}  // namespace faceloop::reports
