#include "detect/detect_pool.hpp"

#include <exception>
#include <future>
#include <map>
#include <memory>
#include <thread>

#include <opencv2/core/utility.hpp>

#include "common/error.hpp"

namespace faceloop::detect {

struct DetectPool::Task {
  const std::string* model;
  Job* job;
  std::promise<void> done;
};

DetectPool::DetectPool(DetectorRegistry& registry, std::size_t workers, std::size_t max_queue)
    : registry_(registry), max_queue_(max_queue) {
  // Parallelism comes from one worker per core; OpenCV's own threads inside each inference would
  // only oversubscribe the cores (measured: ~17 % of server CPU went to the kernel, mostly context
  // switches). With fewer workers than cores, OpenCV may use the rest.
  if (workers >= std::max(1u, std::thread::hardware_concurrency())) cv::setNumThreads(1);
  for (std::size_t i = 0; i < std::max<std::size_t>(workers, 1); ++i) threads_.emplace_back([this] { Work(); });
}

DetectPool::~DetectPool() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void DetectPool::Run(const std::string& model, Job job) {
  Task task{&model, &job, {}};
  std::future<void> done = task.done.get_future();
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queue_) {
      throw Error(ErrorCode::kUnavailable, "detection queue is full; retry shortly");
    }
    queue_.push_back(&task);
  }
  wake_.notify_one();
  done.get();
}

std::size_t DetectPool::QueueDepth() const {
  const std::lock_guard lock(mutex_);
  return queue_.size();
}

void DetectPool::Work() {
  std::map<std::string, std::unique_ptr<IDetector>> detectors;
  for (;;) {
    Task* task = nullptr;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      task = queue_.front();
      queue_.pop_front();
    }
    try {
      std::unique_ptr<IDetector>& detector = detectors[*task->model];
      if (!detector) {
        const std::lock_guard lock(registry_mutex_);
        detector = registry_.Create(*task->model);
      }
      (*task->job)(*detector);
      task->done.set_value();
    } catch (...) {
      task->done.set_exception(std::current_exception());
    }
  }
}

}  // namespace faceloop::detect
