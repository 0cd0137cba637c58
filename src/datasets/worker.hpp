#pragma once
// The API's export jobs run here, one at a time on one background thread, so an analyst's
// request answers 202 at once and exports never compete with each other for the disk. Jobs still
// queued or running when the process ends stay `running` in the table; the next start marks them
// failed (ExportStore::FailInterrupted).
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "datasets/exporter.hpp"

namespace faceloop::datasets {

class ExportWorker {
 public:
  explicit ExportWorker(ExportContext context);
  ExportWorker(const ExportWorker&) = delete;
  ExportWorker& operator=(const ExportWorker&) = delete;
  ExportWorker(ExportWorker&&) = delete;
  ExportWorker& operator=(ExportWorker&&) = delete;
  /// Stops after the job in progress (queued ones are left to FailInterrupted).
  ~ExportWorker();

  /// Queues the export of a started row (job.hpp StartExport).
  void Submit(ExportParams params, std::string id);

 private:
  void Loop();

  ExportContext context_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<ExportParams, std::string>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace faceloop::datasets
