#pragma once
// Prometheus metrics (text exposition format 0.0.4). Components register their own metrics at
// wiring time: counters they increment, or counters and gauges whose value is read at scrape time
// from state the component keeps anyway (a spool's backlog, a shipper's totals).
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace faceloop::telemetry {

/// Monotonic; Add is lock-free.
class Counter {
 public:
  void Add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class MetricsRegistry {
 public:
  enum class Type { kCounter, kGauge };
  using Read = std::function<double()>;
  /// Appends exposition lines (with their own # HELP/# TYPE) for metrics rendered elsewhere.
  using Collector = std::function<void(std::string& out)>;

  /// A counter owned by the registry (stable address). `name` may carry labels:
  /// faceloop_x_total{backend="s3"}; series of one family share one HELP/TYPE header.
  Counter& AddCounter(const std::string& name, const std::string& help);
  /// A counter or gauge whose value is read when scraped.
  void Add(const std::string& name, const std::string& help, Type type, Read read);
  void AddCollector(Collector collector);

  std::string Render() const;

 private:
  struct Series {
    std::string help;
    Type type{};
    Read read;
  };

  mutable std::mutex mutex_;
  std::deque<Counter> counters_;
  std::map<std::string, Series> series_;
  std::vector<Collector> collectors_;
};

}  // namespace faceloop::telemetry
