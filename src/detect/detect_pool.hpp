#pragma once
// Detection workers. Each worker thread owns its detector instances (one per model name, created
// lazily from the shared registry), because an IDetector is not thread-safe. Work is admitted by
// the wait it would have: a job whose expected queueing time (jobs ahead x mean job time / workers)
// exceeds the deadline is refused at once with Error(kUnavailable) (503 + Retry-After) instead of
// letting latency grow without bound; a burst that fits in the deadline queues, however many
// clients it comes from.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "detect/registry.hpp"

namespace faceloop::detect {

struct DetectPoolOptions {
  std::size_t workers = 1;
  /// Refuse a job that would wait longer than this for a worker.
  std::chrono::milliseconds max_wait{2000};
  /// Hard bound on queued jobs, whatever their expected wait (memory: each holds its image).
  std::size_t max_queue = 1024;
};

class DetectPool {
 public:
  using Job = std::function<void(IDetector&)>;
  using Failure = std::function<void(std::exception_ptr)>;

  /// `registry` must outlive the pool.
  DetectPool(DetectorRegistry& registry, DetectPoolOptions options);
  /// Finishes queued jobs, then joins the workers.
  ~DetectPool();
  DetectPool(const DetectPool&) = delete;
  DetectPool& operator=(const DetectPool&) = delete;

  /// Queues `job` for a worker with a detector for `model` and returns at once. If making the
  /// detector or the job throws, `failed` gets the exception (on the worker). Throws
  /// Error(kUnavailable) without queueing when admission refuses the job.
  void Submit(const std::string& model, Job job, Failure failed);
  /// Submit and wait; rethrows what the job threw.
  void Run(const std::string& model, Job job);

  /// Jobs waiting for a worker right now.
  std::size_t QueueDepth() const;
  /// The mean time a job takes (exponentially weighted), 0 before the first one.
  double MeanJobSeconds() const;

 private:
  struct Task {
    std::string model;
    Job job;
    Failure failed;
  };
  void Work();
  void Admit() const;  // needs mutex_; throws when refused
  void Finished(std::chrono::steady_clock::duration took);

  DetectorRegistry& registry_;
  const DetectPoolOptions options_;
  std::mutex registry_mutex_;  ///< Create loads weights on first use; one loader at a time
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> queue_;
  double mean_job_s_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace faceloop::detect
