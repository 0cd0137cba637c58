#pragma once
// Requests and latency by route and status (a histogram), rendered into /metrics with the rest of
// the registry's metrics.
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "telemetry/metrics.hpp"

namespace faceloop::http {

class HttpMetrics {
 public:
  /// Upper bounds (seconds) of the latency histogram buckets.
  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};

  /// Adds this histogram to what `registry` renders; both live as long as the service.
  explicit HttpMetrics(telemetry::MetricsRegistry& registry);

  /// `route` is the pattern ("GET /v1/requests/{id}"), never the path: ids would explode the series.
  void Record(const std::string& route, int status, double seconds);

 private:
  struct Series {
    std::uint64_t count = 0;
    double sum = 0;
    std::array<std::uint64_t, kBuckets.size()> buckets{};
  };
  void Render(std::string& text) const;

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, Series> series_;
};

}  // namespace faceloop::http
