#pragma once
// Prometheus counters for /metrics: requests and latency by route and status, faces detected, and
// gauges read at scrape time (worker queue depth, group-commit batches).
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace faceloop::http {

class Metrics {
 public:
  /// Upper bounds (seconds) of the latency histogram buckets.
  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};

  void RecordRequest(const std::string& route, int status, double seconds);
  void AddFaces(std::uint64_t count) { faces_ += count; }
  /// Gauges whose values are read when scraped, e.g. {"faceloop_detect_queue_depth", fn}; a name
  /// may carry labels ("faceloop_ship_backlog_records{backend=\"search\"}").
  void AddGauge(std::string name, std::string help, std::function<double()> read);

  /// Prometheus text exposition format 0.0.4.
  std::string Render() const;

 private:
  struct Series {
    std::uint64_t count = 0;
    double sum = 0;
    std::array<std::uint64_t, kBuckets.size()> buckets{};
  };
  struct Gauge {
    std::string help;
    std::function<double()> read;
  };

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, Series> series_;
  std::map<std::string, Gauge> gauges_;
  std::atomic<std::uint64_t> faces_{0};
};

}  // namespace faceloop::http
