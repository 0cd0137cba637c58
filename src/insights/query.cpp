#include "insights/query.hpp"

#include <chrono>

#include "common/error.hpp"
#include "common/time.hpp"

namespace faceloop::insights {
namespace {

[[noreturn]] void Refuse(const std::string& parameter, const std::string& why) {
  throw Error(ErrorCode::kUnprocessable, "parameter " + parameter + " " + why);
}

int CountBuckets(Bucket bucket, Time from, Time to) {
  int count = 0;
  for (Time start = BucketStart(bucket, from); start < to && count <= kMaxBuckets; start = NextBucket(bucket, start)) {
    ++count;
  }
  return count;
}

}  // namespace

Time HourParam(const std::string& name, const std::string& text) {
  Time time;
  try {
    time = ParseTimestamp(text);
  } catch (const Error&) {
    Refuse(name, "must be an RFC 3339 UTC time like 2026-11-01T00:00:00Z");
  }
  if (!IsWholeHour(time)) Refuse(name, "must be a whole hour (the rollups are hourly), like 2026-11-01T13:00:00Z");
  return time;
}

SummaryQuery ParseSummaryQuery(const SummaryParams& params, int max_days, Time now) {
  using std::chrono::days;
  SummaryQuery query;
  if (params.bucket) query.bucket = ParseBucket(*params.bucket);
  const Time next_hour = FloorHour(now) + std::chrono::hours(1);
  query.to = params.to ? HourParam("to", *params.to) : next_hour;
  query.from = params.from ? HourParam("from", *params.from) : query.to - days(kDefaultWindowDays);
  if (query.from >= query.to) Refuse("from", "must be before to");
  if (query.to - query.from > days(max_days)) {
    Refuse("to", "is more than " + std::to_string(max_days) +
                     " days after from (the longest window, limits.insights_max_days)");
  }
  if (CountBuckets(query.bucket, query.from, query.to) > kMaxBuckets) {
    Refuse("bucket", "gives more than " + std::to_string(kMaxBuckets) + " buckets over this window; use a longer one");
  }
  return query;
}

nlohmann::json ToJson(const WindowSample& sample) {
  return {{"records", sample.records},
          {"window_records", sample.window_records},
          {"fraction", sample.fraction},
          {"exact", sample.exact}};
}

}  // namespace faceloop::insights
