#include "http/server/handler_pool.hpp"

#include <algorithm>
#include <string>

#include "common/thread_name.hpp"

namespace faceloop::http {

HandlerPool::HandlerPool(int threads) {
  const int count = std::max(1, threads);
  threads_.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    threads_.emplace_back([this, i] {
      NameThisThread("handler-" + std::to_string(i));
      WorkLoop();
    });
  }
}

HandlerPool::~HandlerPool() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    dropped.swap(tasks_);
  }
  ready_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  // `dropped` goes out of scope here, outside the lock: a task's captures may run code when destroyed.
}

void HandlerPool::Post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    tasks_.push_back(std::move(task));
  }
  ready_.notify_one();
}

void HandlerPool::WorkLoop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (stopping_) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace faceloop::http
