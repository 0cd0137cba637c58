#pragma once
// The parameters of an insights query, parsed and checked once for the HTTP route and the CLI:
// every refusal is Error(kUnprocessable) naming the parameter.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "insights/bucket.hpp"

namespace faceloop::insights {

/// Answers are at most this many buckets (hour buckets over six weeks are 1008).
inline constexpr int kMaxBuckets = 1000;
/// The window when none is given: the 7 days up to the next whole hour.
inline constexpr int kDefaultWindowDays = 7;

/// A checked window [from, to) on whole hours (the rollups are hourly) and its bucket.
struct SummaryQuery {
  Time from;
  Time to;
  Bucket bucket = Bucket::kDay;
};

/// The parameters as given (query string or flags); unset ones take their defaults.
struct SummaryParams {
  std::optional<std::string> from;    ///< RFC 3339 UTC, a whole hour; default: `to` - 7 days
  std::optional<std::string> to;      ///< RFC 3339 UTC, a whole hour; default: the next whole hour
  std::optional<std::string> bucket;  ///< hour | day | week | month; default: day
};

/// The sample caps of the analyses that read records, in one place (docs/insights.md "At scale"):
/// at most about this many successful requests of a window are read, so a month of traffic stays
/// within 250 ms (each sampled record costs ~10 us: a row read and its metadata). 10 000 pairs
/// give a 95 % interval of r of about +-0.02, and decile curves of 1000 requests a point.
inline constexpr std::int64_t kCorrelationSampleCap = 10000;
/// Outliers are those of the sample: a larger cap finds more of a busy window's rare requests.
inline constexpr std::int64_t kOutlierSampleCap = 10000;

/// What an analysis that reads records (correlations, outliers) read: every successful request of
/// the window when there are at most its cap, else a uniform sample of them (requests/sample.hpp),
/// the same records every time.
struct WindowSample {
  std::int64_t records = 0;         ///< successful requests read
  std::int64_t window_records = 0;  ///< successful requests in the window (from the rollups)
  double fraction = 1;              ///< the share of the window sampled
  bool exact = true;                ///< every request of the window was read
};
/// {"records", "window_records", "fraction", "exact"}: the answers' `sample` object.
nlohmann::json ToJson(const WindowSample& sample);

/// `text` as a timestamp on a whole hour; else Error(kUnprocessable) naming the parameter `name`.
Time HourParam(const std::string& name, const std::string& text);

/// Checks `params`: timestamps that parse and fall on whole hours, from before to, a window of at
/// most `max_days` days and at most kMaxBuckets buckets.
SummaryQuery ParseSummaryQuery(const SummaryParams& params, int max_days, Time now);

}  // namespace faceloop::insights
