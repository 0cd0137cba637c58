#include "insights/feedback_summary.hpp"

#include <algorithm>
#include <cstdio>

#include "common/error.hpp"
#include "common/time.hpp"
#include "feedback/tally.hpp"

namespace faceloop::insights {
namespace {

std::size_t IndexOf(feedback::Verdict verdict) {
  return static_cast<std::size_t>(std::find(kVerdicts.begin(), kVerdicts.end(), verdict) - kVerdicts.begin());
}

nlohmann::json OrNull(const std::optional<double>& value) { return value ? nlohmann::json(*value) : nlohmann::json(); }

nlohmann::json SliceJson(const FeedbackSlice& slice) {
  const std::int64_t total = slice.Total();
  nlohmann::json json = {{"count", total}};
  for (std::size_t i = 0; i < kVerdicts.size(); ++i) {
    const std::int64_t count = slice.verdicts[i];
    json[std::string(feedback::ToString(kVerdicts[i]))] = {
        {"count", count},
        {"share", total > 0 ? nlohmann::json(static_cast<double>(count) / static_cast<double>(total)) : nullptr}};
  }
  json["rating"] = {{"count", slice.ratings}, {"mean", OrNull(slice.MeanRating())}};
  return json;
}

nlohmann::json BucketJson(const FeedbackBucket& bucket) {
  nlohmann::json json = SliceJson(bucket.all);
  json["start"] = FormatTimestamp(bucket.start);
  json["end"] = FormatTimestamp(bucket.end);
  nlohmann::json models = nlohmann::json::array();
  for (const auto& [model, slice] : bucket.models) {
    nlohmann::json entry = SliceJson(slice);
    entry["name"] = model.first;
    entry["version"] = model.second;
    models.push_back(std::move(entry));
  }
  json["models"] = std::move(models);
  return json;
}

std::string Line(const std::string& label, const FeedbackSlice& s) {
  const auto percent = [&s](std::size_t i) {
    if (s.Total() == 0) return std::string("-");
    char text[16];
    (void)std::snprintf(text, sizeof text, "%.1f",
                        100.0 * static_cast<double>(s.verdicts[i]) / static_cast<double>(s.Total()));
    return std::string(text);
  };
  char rating[16] = "-";
  if (const auto mean = s.MeanRating()) (void)std::snprintf(rating, sizeof rating, "%.2f", *mean);
  char line[120];
  (void)std::snprintf(line, sizeof line, "%8lld %9s %9s %10s %7s  ", static_cast<long long>(s.Total()),
                      percent(0).c_str(), percent(1).c_str(), percent(2).c_str(), rating);
  return line + label + "\n";
}

std::string BucketLines(const std::string& label, const FeedbackBucket& b) {
  std::string text = Line(label, b.all);
  for (const auto& [model, slice] : b.models) {
    text += Line("  " + model.first + " " + (model.second.empty() ? "(unknown version)" : model.second), slice);
  }
  return text;
}

void AddTally(FeedbackSlice& slice, const feedback::VerdictTally& tally) {
  slice.verdicts[IndexOf(tally.verdict)] += tally.count;
  slice.ratings += tally.ratings;
  slice.rating_sum += tally.rating_sum;
}

}  // namespace

std::int64_t FeedbackSlice::Total() const {
  std::int64_t total = 0;
  for (const std::int64_t count : verdicts) total += count;
  return total;
}

std::optional<double> FeedbackSlice::MeanRating() const {
  if (ratings == 0) return std::nullopt;
  return static_cast<double>(rating_sum) / static_cast<double>(ratings);
}

void FeedbackSlice::Merge(const FeedbackSlice& other) {
  for (std::size_t i = 0; i < verdicts.size(); ++i) verdicts[i] += other.verdicts[i];
  ratings += other.ratings;
  rating_sum += other.rating_sum;
}

FeedbackSummary SummarizeFeedback(db::IDatabase& database, const SummaryQuery& query) {
  FeedbackSummary summary{query, {}, {query.from, query.to, {}, {}}};
  std::map<std::string, std::size_t> index;  // bucket key -> position in summary.buckets
  for (Time start = BucketStart(query.bucket, query.from); start < query.to; start = NextBucket(query.bucket, start)) {
    index[BucketKey(query.bucket, start)] = summary.buckets.size();
    summary.buckets.push_back(
        {std::max(start, query.from), std::min(NextBucket(query.bucket, start), query.to), {}, {}});
  }
  const std::string bucket_sql = BucketSql(query.bucket, database.dialect(), "feedback.request_received_at");
  for (const feedback::VerdictTally& tally : feedback::CountVerdicts(database, query.from, query.to, bucket_sql)) {
    const auto it = index.find(tally.bucket);
    if (it == index.end()) {  // the SQL bucket expressions and BucketKey disagree: a bug, not bad input
      throw Error(ErrorCode::kInternal, "insights: bucket key " + tally.bucket + " outside the window");
    }
    AddTally(summary.buckets[it->second].models[{tally.model_name, tally.model_version}], tally);
  }
  for (FeedbackBucket& bucket : summary.buckets) {
    for (const auto& [model, slice] : bucket.models) {
      bucket.all.Merge(slice);
      summary.total.models[model].Merge(slice);
      summary.total.all.Merge(slice);
    }
  }
  return summary;
}

nlohmann::json ToJson(const FeedbackSummary& summary) {
  nlohmann::json buckets = nlohmann::json::array();
  for (const FeedbackBucket& bucket : summary.buckets) buckets.push_back(BucketJson(bucket));
  return {{"from", FormatTimestamp(summary.query.from)},
          {"to", FormatTimestamp(summary.query.to)},
          {"bucket", BucketName(summary.query.bucket)},
          {"buckets", std::move(buckets)},
          {"total", BucketJson(summary.total)}};
}

std::string ToTable(const FeedbackSummary& summary) {
  char header[120];
  (void)std::snprintf(header, sizeof header, "%8s %9s %9s %10s %7s  %s\n", "feedback", "correct%", "partly%",
                      "incorrect%", "rating", "bucket start / model version");
  std::string text = header;
  for (const FeedbackBucket& bucket : summary.buckets) {
    if (bucket.all.Total() > 0) text += BucketLines(FormatTimestamp(bucket.start), bucket);
  }
  return text + BucketLines("total", summary.total);
}

}  // namespace faceloop::insights
