#include "datasets/worker.hpp"

#include "common/thread_name.hpp"
#include "datasets/job.hpp"

namespace faceloop::datasets {

ExportWorker::ExportWorker(ExportContext context)
    : context_(std::move(context)), thread_([this] {
        NameThisThread("export");
        Loop();
      }) {}

ExportWorker::~ExportWorker() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ExportWorker::Submit(ExportParams params, std::string id) {
  {
    const std::lock_guard lock(mutex_);
    queue_.emplace_back(std::move(params), std::move(id));
  }
  wake_.notify_all();
}

void ExportWorker::Loop() {
  for (;;) {
    std::pair<ExportParams, std::string> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    FinishExport(context_, job.first, job.second, /*rethrow=*/false);  // records its own failure
  }
}

}  // namespace faceloop::datasets
