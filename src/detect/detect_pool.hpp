#pragma once
// A bounded pool of detection workers. Each worker thread owns its detector instances (one per model
// name, created lazily from the shared registry), because an IDetector is not thread-safe. The queue
// is bounded: when it is full, Run throws Error(kUnavailable) at once (503 + Retry-After) instead of
// letting latency grow without bound.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "detect/registry.hpp"

namespace faceloop::detect {

class DetectPool {
 public:
  using Job = std::function<void(IDetector&)>;

  /// `workers` threads and at most `max_queue` waiting jobs. `registry` must outlive the pool.
  DetectPool(DetectorRegistry& registry, std::size_t workers, std::size_t max_queue);
  /// Finishes queued jobs, then joins the workers.
  ~DetectPool();
  DetectPool(const DetectPool&) = delete;
  DetectPool& operator=(const DetectPool&) = delete;

  /// Runs `job` with a detector for `model` on a worker and waits for it; rethrows what it threw.
  void Run(const std::string& model, Job job);
  /// Jobs waiting for a worker right now.
  std::size_t QueueDepth() const;

 private:
  struct Task;
  void Work();

  DetectorRegistry& registry_;
  const std::size_t max_queue_;
  std::mutex registry_mutex_;  ///< Create loads weights on first use; one loader at a time
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task*> queue_;  ///< tasks live on their Run caller's stack
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace faceloop::detect
