#include "http/metrics.hpp"

#include <sstream>

namespace faceloop::http {

void Metrics::RecordRequest(const std::string& route, int status, double seconds) {
  const std::lock_guard lock(mutex_);
  Series& series = series_[{route, status}];
  ++series.count;
  series.sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++series.buckets[i];
  }
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  const std::lock_guard lock(mutex_);
  gauges_[std::move(name)] = Gauge{std::move(help), std::move(read)};
}

std::string Metrics::Render() const {
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
  out << "# HELP faceloop_faces_detected_total Faces returned by /v1/detect.\n"
      << "# TYPE faceloop_faces_detected_total counter\n"
      << "faceloop_faces_detected_total " << faces_.load() << "\n";
  std::string last_family;
  for (const auto& [name, gauge] : gauges_) {
    // Series of one family ("name{label=...}") share a single HELP/TYPE header.
    const std::string family = name.substr(0, name.find('{'));
    if (family != last_family) out << "# HELP " << family << " " << gauge.help << "\n# TYPE " << family << " gauge\n";
    last_family = family;
    out << name << " " << gauge.read() << "\n";
  }
  return out.str();
}

}  // namespace faceloop::http
