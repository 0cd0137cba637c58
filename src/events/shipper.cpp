#include "events/shipper.hpp"
#include "common/thread_name.hpp"
#include "telemetry/log.hpp"

#include <algorithm>
#include <random>

namespace faceloop::events {

Shipper::Shipper(Spool& spool, std::string consumer, DeliverFn deliver, ShipperOptions options)
    : Shipper(spool, std::move(consumer),
              AttachedDeliverFn([deliver = std::move(deliver)](const std::vector<std::string>& records,
                                                               const std::vector<std::string>& /*none*/) {
                return deliver(records);
              }),
              options, false) {}

Shipper::Shipper(Spool& spool, std::string consumer, AttachedDeliverFn deliver, ShipperOptions options)
    : Shipper(spool, std::move(consumer), std::move(deliver), options, true) {}

Shipper::Shipper(Spool& spool, std::string consumer, AttachedDeliverFn deliver, ShipperOptions options,
                 bool with_attachments)
    : spool_(spool),
      consumer_(std::move(consumer)),
      with_attachments_(with_attachments),
      deliver_(std::move(deliver)),
      options_(options),
      acked_sequence_(spool.AckedCursor(consumer_).sequence),
      thread_([this] {
        NameThisThread("ship-" + consumer_);
        Run();
      }) {}

Shipper::~Shipper() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

// Called for every appended record. Waking the thread while it lingers or backs off would only
// put it back to sleep (its waits ignore notified_), at the cost of a context switch per request
// on the cores doing detection; it reads notified_ before its next idle wait anyway.
void Shipper::Notify() {
  bool wake = false;
  {
    const std::lock_guard lock(mutex_);
    wake = idle_ && !notified_;
    notified_ = true;
  }
  if (wake) wake_.notify_one();
}

bool Shipper::WaitCaughtUp(std::chrono::milliseconds timeout) {
  const std::uint64_t target = spool_.DurableSequence();
  std::unique_lock lock(mutex_);
  if (acked_sequence_ >= target) return true;
  notified_ = urgent_ = true;
  wake_.notify_one();
  return progress_.wait_for(lock, timeout, [&] { return acked_sequence_ >= target || stop_; }) &&
         acked_sequence_ >= target;
}

ShipperStats Shipper::Stats() const {
  ShipperStats stats;
  {
    const std::lock_guard lock(mutex_);
    stats = stats_;
  }
  stats.spool = spool_.Stats(consumer_);
  return stats;
}

void Shipper::Run() {
  std::chrono::milliseconds backoff = options_.min_backoff;
  std::minstd_rand jitter(std::random_device{}());
  for (;;) {
    {
      const std::lock_guard lock(mutex_);
      if (stop_) return;
    }
    try {
      if (const std::size_t shipped = ShipOnce(); shipped > 0) {
        backoff = options_.min_backoff;
        if (shipped < options_.batch_records) Linger();
        continue;
      }
      std::unique_lock lock(mutex_);
      idle_ = true;
      wake_.wait_for(lock, options_.idle_poll, [&] { return stop_ || notified_; });
      idle_ = false;
      notified_ = false;
    } catch (const std::exception& e) {
      {
        const std::lock_guard lock(mutex_);
        if (stats_.healthy || stats_.last_error != e.what()) {
          // Once per change of state, not per retry: a backend down for minutes must not flood the log.
          telemetry::Logger("shipper").Warn("shipping failed, retrying", {{"backend", consumer_}, {"error", e.what()}});
        }
        ++stats_.failed_attempts;
        stats_.healthy = false;
        stats_.last_error = e.what();
      }
      // Full jitter keeps several processes from retrying a recovering backend in lockstep.
      const auto delay = std::chrono::milliseconds(
          std::uniform_int_distribution<std::int64_t>(backoff.count() / 2, backoff.count())(jitter));
      Backoff(delay);
      backoff = std::min(options_.max_backoff, backoff * 2);
    }
  }
}

void Shipper::Linger() {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, options_.linger, [&] { return stop_ || urgent_; });
}

std::size_t Shipper::ShipOnce() {
  const SpoolCursor from = spool_.AckedCursor(consumer_);
  SpoolBatch batch = spool_.ReadBatch(from, options_.batch_records, options_.batch_bytes, with_attachments_);
  if (batch.records.empty()) {
    const std::lock_guard lock(mutex_);
    acked_sequence_ = std::max(acked_sequence_, from.sequence);
    urgent_ = false;
    progress_.notify_all();
    return 0;
  }
  const std::size_t rejected = deliver_(batch.records, batch.attachments);
  spool_.Ack(batch.next, consumer_);
  {
    const std::lock_guard lock(mutex_);
    if (!stats_.healthy) telemetry::Logger("shipper").Info("shipping recovered", {{"backend", consumer_}});
    stats_.shipped_records += batch.records.size() - std::min(rejected, batch.records.size());
    stats_.rejected_records += rejected;
    stats_.healthy = true;
    stats_.last_error.clear();
    acked_sequence_ = batch.next.sequence;
  }
  progress_.notify_all();
  return batch.records.size();
}

void Shipper::Backoff(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, delay, [&] { return stop_; });
}

}  // namespace faceloop::events
