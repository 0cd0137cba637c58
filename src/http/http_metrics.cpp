#include "http/http_metrics.hpp"

#include <sstream>

namespace faceloop::http {

HttpMetrics::HttpMetrics(telemetry::MetricsRegistry& registry) {
  registry.AddCollector([this](std::string& out) { Render(out); });
}

void HttpMetrics::Record(const std::string& route, int status, double seconds) {
  const std::lock_guard lock(mutex_);
  Series& series = series_[{route, status}];
  ++series.count;
  series.sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++series.buckets[i];
  }
}

void HttpMetrics::Render(std::string& text) const {
  std::ostringstream out;
  const std::lock_guard lock(mutex_);
  out << "# HELP faceloop_http_requests_total HTTP requests by route and status.\n"
      << "# TYPE faceloop_http_requests_total counter\n";
  for (const auto& [key, series] : series_) {
    out << "faceloop_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second << "\"} "
        << series.count << "\n";
  }
  out << "# HELP faceloop_http_request_duration_seconds HTTP request latency by route and status.\n"
      << "# TYPE faceloop_http_request_duration_seconds histogram\n";
  for (const auto& [key, series] : series_) {
    const std::string labels = "route=\"" + key.first + "\",status=\"" + std::to_string(key.second) + "\"";
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out << "faceloop_http_request_duration_seconds_bucket{" << labels << ",le=\"" << kBuckets[i] << "\"} "
          << series.buckets[i] << "\n";
    }
    out << "faceloop_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} " << series.count << "\n"
        << "faceloop_http_request_duration_seconds_sum{" << labels << "} " << series.sum << "\n"
        << "faceloop_http_request_duration_seconds_count{" << labels << "} " << series.count << "\n";
  }
  text += out.str();
}

}  // namespace faceloop::http
