#include "detect/detect_pool.hpp"

#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <opencv2/core/utility.hpp>

#include "common/error.hpp"
#include "common/thread_name.hpp"

namespace faceloop::detect {
namespace {

// Weight of the newest job in the mean: about the last 20 jobs count.
constexpr double kMeanWeight = 0.05;

}  // namespace

DetectPool::DetectPool(DetectorRegistry& registry, DetectPoolOptions options) : registry_(registry), options_(options) {
  // Parallelism comes from one worker per core; OpenCV's own threads inside each inference would
  // only oversubscribe the cores (measured: ~17 % of server CPU went to the kernel, mostly context
  // switches). With fewer workers than cores, OpenCV may use the rest.
  const std::size_t workers = std::max<std::size_t>(options_.workers, 1);
  if (workers >= std::max(1u, std::thread::hardware_concurrency())) cv::setNumThreads(1);
  for (std::size_t i = 0; i < workers; ++i) {
    threads_.emplace_back([this, i] {
      NameThisThread("detect-" + std::to_string(i));
      Work();
    });
  }
}

DetectPool::~DetectPool() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void DetectPool::Admit() const {
  if (stopping_) throw Error(ErrorCode::kUnavailable, "the service is shutting down");
  if (queue_.size() >= options_.max_queue) {
    throw Error(ErrorCode::kUnavailable, "detection queue is full; retry shortly");
  }
  const double ahead = static_cast<double>(queue_.size() + 1);
  const double expected_wait_s = ahead * mean_job_s_ / static_cast<double>(threads_.size());
  if (expected_wait_s > std::chrono::duration<double>(options_.max_wait).count()) {
    throw Error(ErrorCode::kUnavailable, "detection would wait longer than the deadline; retry shortly");
  }
}

void DetectPool::Submit(const std::string& model, Job job, Failure failed) {
  {
    const std::lock_guard lock(mutex_);
    Admit();
    queue_.push_back(Task{model, std::move(job), std::move(failed)});
  }
  wake_.notify_one();
}

void DetectPool::Run(const std::string& model, Job job) {
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  Submit(
      model,
      [&job, done](IDetector& detector) {
        job(detector);
        done->set_value();
      },
      [done](std::exception_ptr error) { done->set_exception(std::move(error)); });
  finished.get();
}

std::size_t DetectPool::QueueDepth() const {
  const std::lock_guard lock(mutex_);
  return queue_.size();
}

double DetectPool::MeanJobSeconds() const {
  const std::lock_guard lock(mutex_);
  return mean_job_s_;
}

void DetectPool::Finished(std::chrono::steady_clock::duration took) {
  const double seconds = std::chrono::duration<double>(took).count();
  const std::lock_guard lock(mutex_);
  mean_job_s_ = mean_job_s_ == 0 ? seconds : (1 - kMeanWeight) * mean_job_s_ + kMeanWeight * seconds;
}

void DetectPool::Work() {
  std::map<std::string, std::unique_ptr<IDetector>> detectors;
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    // Loading a model happens once per worker: it would skew the admission estimate (which is
    // about the jobs to come) for the next few dozen jobs, so it is not timed.
    std::optional<std::chrono::steady_clock::time_point> start;
    try {
      std::unique_ptr<IDetector>& detector = detectors[task.model];
      if (!detector) {
        const std::lock_guard lock(registry_mutex_);
        detector = registry_.Create(task.model);
      }
      start = std::chrono::steady_clock::now();
      task.job(*detector);
    } catch (...) {
      task.failed(std::current_exception());
    }
    if (start) Finished(std::chrono::steady_clock::now() - *start);
  }
}

}  // namespace faceloop::detect
