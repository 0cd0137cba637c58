#include "insights/summary.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/time.hpp"
#include "insights/day_rows.hpp"
#include "insights/day_window.hpp"
#include "insights/rollup_sql.hpp"
#include "requests/store.hpp"

namespace faceloop::insights {
namespace {

const Feature& Named(std::string_view name) {
  const Feature* feature = FindFeature(name);
  if (feature == nullptr) throw Error(ErrorCode::kInternal, "insights: no feature " + std::string(name));
  return *feature;
}

/// The window's buckets, and where each key lands.
class BucketIndex {
 public:
  explicit BucketIndex(const SummaryQuery& query) {
    for (Time start = BucketStart(query.bucket, query.from); start < query.to;
         start = NextBucket(query.bucket, start)) {
      index_[BucketKey(query.bucket, start)] = buckets_.size();
      buckets_.push_back({std::max(start, query.from), std::min(NextBucket(query.bucket, start), query.to)});
    }
  }

  BucketSummary& At(const std::string& key) {
    const auto it = index_.find(key);
    // The SQL bucket expressions and BucketKey disagree: a bug, not bad input.
    if (it == index_.end()) throw Error(ErrorCode::kInternal, "insights: bucket key " + key + " outside the window");
    return buckets_[it->second];
  }

  std::vector<BucketSummary>& buckets() { return buckets_; }

 private:
  std::map<std::string, std::size_t> index_;
  std::vector<BucketSummary> buckets_;
};

struct Window {
  const SummaryQuery& query;
  db::IDatabase& database;

  std::string BucketOf(std::string_view column) const { return BucketSql(query.bucket, database.dialect(), column); }
  db::Params Range() const { return {FormatTimestamp(query.from), FormatTimestamp(query.to)}; }
};

void ReadHours(const Window& w, BucketIndex& index) {
  static const std::string where = "hour >= ? AND hour < ?";
  for (const db::Row& stored : w.database.Query(SelectByBucketSql<HourRow>(w.BucketOf("hour"), where), w.Range())) {
    const auto row = FromRow<HourRow>(stored);
    Slice& slice = index.At(row.hour).models[{row.model_name, row.model_version}];
    slice.requests += row.requests;
    slice.errors += row.errors;
    slice.faces += row.faces;
    slice.no_face += row.no_face;
  }
}

void ReadErrors(const Window& w, BucketIndex& index) {
  static const std::string where = "hour >= ? AND hour < ?";
  for (const db::Row& stored : w.database.Query(SelectByBucketSql<ErrorRow>(w.BucketOf("hour"), where), w.Range())) {
    const auto row = FromRow<ErrorRow>(stored);
    index.At(row.hour).models[{row.model_name, row.model_version}].errors_by_type[row.error_type] += row.count;
  }
}

// The bucket key a bucketed read leaves in the row's time column.
const std::string& KeyOf(const BinRow& row) { return row.hour; }
const std::string& KeyOf(const DayBinRow& row) { return row.day; }

/// The latency and confidence bins of `range` from one bin table, summed per bucket and model.
template <typename Row>
void AddBins(const Window& w, std::string_view time, const TimeRange& range, BucketIndex& index) {
  const std::string t(time);
  const std::string where = "feature IN (?, ?) AND " + t + " >= ? AND " + t + " < ?";
  const db::Params params = {std::string(kLatencyFeature), std::string(kConfidenceFeature), FormatTimestamp(range.from),
                             FormatTimestamp(range.to)};
  for (const db::Row& stored : w.database.Query(SelectByBucketSql<Row>(w.BucketOf(time), where), params)) {
    const auto row = FromRow<Row>(stored);
    Slice& slice = index.At(KeyOf(row)).models[{row.model_name, row.model_version}];
    Histogram& histogram = row.feature == kLatencyFeature ? slice.latency : slice.confidence;
    histogram.AddBin(static_cast<std::size_t>(row.bin), Moments{row.count, row.sum_x, row.sum_x2});
  }
}

/// Whole days from the daily bins (every bucket but the hour is made of whole days), the rest from
/// the hourly ones.
void ReadBins(const Window& w, BucketIndex& index) {
  if (w.query.bucket == Bucket::kHour) {
    AddBins<BinRow>(w, "hour", {w.query.from, w.query.to}, index);
    return;
  }
  const DaySplit split = SplitDays(w.query.from, w.query.to);
  if (split.days) AddBins<DayBinRow>(w, "day", *split.days, index);
  for (const TimeRange& edge : split.edges) AddBins<BinRow>(w, "hour", edge, index);
}

/// Hour buckets count from the records (the user rollup is daily); the others from the daily
/// user rollup and the records of the window's partial edge days.
std::vector<requests::UserActivity> BucketUsers(const Window& w) {
  if (w.query.bucket != Bucket::kHour) return CountUsersByDay(w.database, w.query.from, w.query.to, w.query.bucket);
  return requests::RequestStore(w.database).CountUsers(w.query.from, w.query.to, w.BucketOf("received_at"));
}

void ReadUsers(const Window& w, BucketIndex& index) {
  for (const requests::UserActivity& activity : BucketUsers(w)) {
    index.At(activity.bucket).users.unique = activity.unique;
    index.At(activity.bucket).users.returning = activity.returning;
  }
  // Accounts are the accounts module's; this is a read-only count over its table.
  const std::string bucket = w.BucketOf("created_at");
  const std::string sql =
      "SELECT " + bucket + ", COUNT(*) FROM users WHERE created_at >= ? AND created_at < ? GROUP BY " + bucket;
  for (const db::Row& row : w.database.Query(sql, w.Range())) {
    index.At(row.Get<std::string>(0)).users.created = row.Get<std::int64_t>(1);
  }
}

/// Unique and returning users of the whole window: one bucket spanning it.
UserCounts WindowUsers(const Window& w) {
  UserCounts users;
  for (const requests::UserActivity& activity : CountUsersByDay(w.database, w.query.from, w.query.to, std::nullopt)) {
    users.unique += activity.unique;
    users.returning += activity.returning;
  }
  return users;
}

}  // namespace

Slice::Slice() : latency(Named(kLatencyFeature)), confidence(Named(kConfidenceFeature)) {}

void Slice::Merge(const Slice& other) {
  requests += other.requests;
  errors += other.errors;
  faces += other.faces;
  no_face += other.no_face;
  for (const auto& [type, count] : other.errors_by_type) errors_by_type[type] += count;
  latency.Merge(other.latency);
  confidence.Merge(other.confidence);
}

Summary Summarize(db::IDatabase& database, const SummaryQuery& query) {
  const Window window{query, database};
  BucketIndex index(query);
  ReadHours(window, index);
  ReadErrors(window, index);
  ReadBins(window, index);
  ReadUsers(window, index);
  Summary summary{query, std::move(index.buckets()), {query.from, query.to, {}, {}, {}}};
  for (BucketSummary& bucket : summary.buckets) {
    for (const auto& [model, slice] : bucket.models) {
      bucket.all.Merge(slice);
      summary.total.models[model].Merge(slice);
    }
    summary.total.all.Merge(bucket.all);
    summary.total.users.created += bucket.users.created;
  }
  const UserCounts users = WindowUsers(window);
  summary.total.users.unique = users.unique;
  summary.total.users.returning = users.returning;
  return summary;
}

}  // namespace faceloop::insights
