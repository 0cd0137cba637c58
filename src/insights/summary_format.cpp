// The summary's two renderings: the API's JSON and the CLI's table.
#include <cstdio>
#include <optional>

#include "common/time.hpp"
#include "insights/summary.hpp"

namespace faceloop::insights {
namespace {

nlohmann::json OrNull(const std::optional<double>& value) { return value ? nlohmann::json(*value) : nlohmann::json(); }

nlohmann::json Share(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return nullptr;
  return static_cast<double>(part) / static_cast<double>(whole);
}

nlohmann::json Distribution(const Histogram& histogram, std::initializer_list<int> percentiles) {
  nlohmann::json json = {{"count", histogram.moments().count}, {"mean", OrNull(histogram.moments().Mean())}};
  for (const int p : percentiles) {
    std::string name = "p";  // not "p" + to_string(p): GCC 12 warns falsely (-Wrestrict) on that
    name += std::to_string(p);
    json[name] = OrNull(histogram.Percentile(p));
  }
  return json;
}

nlohmann::json SliceJson(const Slice& s) {
  nlohmann::json by_type = nlohmann::json::object();
  for (const auto& [type, count] : s.errors_by_type) {
    by_type[type] = {{"count", count}, {"share", Share(count, s.requests)}};
  }
  return {{"requests", s.requests},
          {"errors", s.errors},
          {"error_share", Share(s.errors, s.requests)},
          {"errors_by_type", by_type},
          {"faces", s.faces},
          {"no_face_share", Share(s.no_face, s.requests - s.errors)},
          {"latency_ms", Distribution(s.latency, {50, 95, 99})},
          {"confidence", Distribution(s.confidence, {10, 50, 90})}};
}

nlohmann::json BucketJson(const BucketSummary& b) {
  nlohmann::json json = SliceJson(b.all);
  json["start"] = FormatTimestamp(b.start);
  json["end"] = FormatTimestamp(b.end);
  json["users"] = {{"unique", b.users.unique}, {"returning", b.users.returning}, {"new", b.users.created}};
  nlohmann::json models = nlohmann::json::array();
  for (const auto& [model, slice] : b.models) {
    nlohmann::json entry = SliceJson(slice);
    entry["name"] = model.first;
    entry["version"] = model.second;
    models.push_back(std::move(entry));
  }
  json["models"] = std::move(models);
  return json;
}

std::string Number(const std::optional<double>& value, const char* format) {
  if (!value) return "-";
  char text[32];
  (void)std::snprintf(text, sizeof text, format, *value);
  return text;
}

std::optional<double> Percent(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return std::nullopt;
  return 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

/// The numbers, then the label: model versions are long and of any length.
std::string Line(const std::string& label, const Slice& s, const std::string& users) {
  char numbers[160];
  (void)std::snprintf(
      numbers, sizeof numbers, "%9lld %15s %9lld %7s %7s %9s %9s %9s %6s %6s  ", static_cast<long long>(s.requests),
      users.c_str(), static_cast<long long>(s.faces), Number(Percent(s.no_face, s.requests - s.errors), "%.1f").c_str(),
      Number(Percent(s.errors, s.requests), "%.1f").c_str(), Number(s.latency.Percentile(50), "%.1f").c_str(),
      Number(s.latency.Percentile(95), "%.1f").c_str(), Number(s.latency.Percentile(99), "%.1f").c_str(),
      Number(s.confidence.Percentile(50), "%.3f").c_str(), Number(s.confidence.moments().Mean(), "%.3f").c_str());
  return numbers + label + "\n";
}

std::string UsersText(const UserCounts& u) {
  return std::to_string(u.unique) + "/" + std::to_string(u.returning) + "/" + std::to_string(u.created);
}

std::string BucketLines(const std::string& label, const BucketSummary& b) {
  std::string text = Line(label, b.all, UsersText(b.users));
  for (const auto& [model, slice] : b.models) {
    text += Line("  " + model.first + " " + (model.second.empty() ? "(no version: failed)" : model.second), slice, "");
  }
  return text;
}

}  // namespace

nlohmann::json ToJson(const Summary& summary) {
  nlohmann::json buckets = nlohmann::json::array();
  for (const BucketSummary& bucket : summary.buckets) buckets.push_back(BucketJson(bucket));
  return {{"from", FormatTimestamp(summary.query.from)},
          {"to", FormatTimestamp(summary.query.to)},
          {"bucket", BucketName(summary.query.bucket)},
          {"buckets", std::move(buckets)},
          {"total", BucketJson(summary.total)}};
}

std::string ToTable(const Summary& summary) {
  char header[160];
  (void)std::snprintf(header, sizeof header, "%9s %15s %9s %7s %7s %9s %9s %9s %6s %6s  %s\n", "requests",
                      "users/ret./new", "faces", "noface%", "error%", "lat_p50", "lat_p95", "lat_p99", "conf50",
                      "confmu", "bucket start / model version");
  std::string text = header;
  for (const BucketSummary& bucket : summary.buckets) text += BucketLines(FormatTimestamp(bucket.start), bucket);
  return text + BucketLines("total", summary.total);
}

}  // namespace faceloop::insights
