#pragma once
// Moves records from the spool to one backend (a database, a search index, an object store): one
// thread per backend, each with its own spool consumer cursor, so a backend that is down delays
// only its own records. Delivery is at-least-once: a batch is acked only after `deliver` returned,
// and a failed batch is retried whole with exponential backoff, so `deliver` must be idempotent
// (the records carry ids that the backends use as keys).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "events/spool.hpp"

namespace faceloop::events {

struct ShipperOptions {
  std::size_t batch_records = 500;
  std::size_t batch_bytes = 4u << 20;
  std::chrono::milliseconds idle_poll{200};  ///< how often an idle shipper looks without a Notify
  /// After shipping a batch that was not full, wait this long for more records: under load the
  /// backend then gets a few large batches (one commit each) instead of one per request.
  /// WaitCaughtUp (read-your-writes of the API) cuts the wait short. Each batch costs the
  /// shipper a few I/O wake-ups, and on 2 cores each one preempts a detection: 100 ms rather than
  /// 25 halved the SQLite shipper's CPU per request at 300 req/s (0.29 -> 0.15 ms); 500 rather
  /// than 100 cut the wake-ups per request at 80 req/s (the default model) from 0.9 to 0.2
  /// (database) and 1.4 to 0.4 (objects), and the database shipper's CPU from 0.26 to 0.14 ms.
  std::chrono::milliseconds linger{500};
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{10'000};
};

/// Counters for /metrics and /readyz.
struct ShipperStats {
  std::uint64_t shipped_records = 0;
  std::uint64_t rejected_records = 0;  ///< refused for good by the backend (counted, not retried)
  std::uint64_t failed_attempts = 0;   ///< batches that failed and were retried
  bool healthy = true;                 ///< false from a failed attempt until the next success
  std::string last_error;
  SpoolStats spool;  ///< this consumer's backlog
};

/// Ships `records` to the backend; returns how many of them the backend refused for good. Throws
/// (anything) when the batch must be retried.
using DeliverFn = std::function<std::size_t(const std::vector<std::string>& records)>;
/// The same for a backend that needs the records' attachments (the input images): `attachments`
/// holds one entry per record, "" for a record without one.
using AttachedDeliverFn =
    std::function<std::size_t(const std::vector<std::string>& records, const std::vector<std::string>& attachments)>;

class Shipper {
 public:
  /// Starts the thread. `consumer` must be one of the spool's consumers; `spool` must outlive this.
  Shipper(Spool& spool, std::string consumer, DeliverFn deliver, ShipperOptions options = {});
  /// A shipper that reads the attachments too.
  Shipper(Spool& spool, std::string consumer, AttachedDeliverFn deliver, ShipperOptions options = {});
  ~Shipper();
  Shipper(const Shipper&) = delete;
  Shipper& operator=(const Shipper&) = delete;

  /// Wakes the thread: something was appended.
  void Notify();
  /// Waits until every record durable at the time of the call has been shipped; false on timeout.
  bool WaitCaughtUp(std::chrono::milliseconds timeout);
  ShipperStats Stats() const;
  const std::string& consumer() const { return consumer_; }

 private:
  Shipper(Spool& spool, std::string consumer, AttachedDeliverFn deliver, ShipperOptions options, bool with_attachments);
  void Run();
  std::size_t ShipOnce();  // records shipped; 0 when there was nothing to ship
  void Linger();
  void Backoff(std::chrono::milliseconds delay);

  Spool& spool_;
  const std::string consumer_;
  const bool with_attachments_;
  const AttachedDeliverFn deliver_;
  const ShipperOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;      ///< the thread waits here (Notify, stop)
  std::condition_variable progress_;  ///< WaitCaughtUp waits here
  bool stop_ = false;
  bool notified_ = false;
  bool idle_ = false;    ///< the thread waits for work: only then does Notify wake it
  bool urgent_ = false;  ///< someone waits in WaitCaughtUp: no lingering
  std::uint64_t acked_sequence_ = 0;
  ShipperStats stats_;
  std::thread thread_;  // last: starts after every member above is ready
};

}  // namespace faceloop::events
