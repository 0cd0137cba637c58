#pragma once
// The threads route handlers run on, apart from the I/O threads so that a handler blocked on the
// database never stalls parsing or writing. Its queue needs no bound of its own: a connection has at
// most one request in a handler at a time, so the queue never holds more than max_connections tasks.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace faceloop::http {

class HandlerPool {
 public:
  /// Starts `threads` threads (at least one).
  explicit HandlerPool(int threads);
  /// Lets running tasks finish, drops the queued ones, joins the threads.
  ~HandlerPool();
  HandlerPool(const HandlerPool&) = delete;
  HandlerPool& operator=(const HandlerPool&) = delete;

  /// Queues `task`; it must not throw.
  void Post(std::function<void()> task);
  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void WorkLoop();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace faceloop::http
