#pragma once
// The local half of logging: a crash-safe spool that the request path appends to (durable before
// the answer goes out) and one shipper per backend that moves the records on (database, object
// store, search index), each at its own pace.
#include <chrono>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "events/shipper.hpp"
#include "events/spool.hpp"
#include "storage/group_commit.hpp"
#include "telemetry/metrics.hpp"

namespace faceloop::events {

class Pipeline {
 public:
  struct Backend {
    std::string name;  ///< the spool consumer: [a-z0-9_-]
    DeliverFn deliver;
    /// Set instead of `deliver` for a backend that takes the records' attachments (the images).
    AttachedDeliverFn deliver_attached = {};
  };

  /// Opens (and recovers) the spool under `data_dir` and starts one shipper per backend.
  Pipeline(const std::filesystem::path& data_dir, storage::GroupCommitter& committer, std::uint64_t max_bytes,
           std::vector<Backend> backends);
  /// Stops the shippers; what they have not shipped stays in the spool for the next start.
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  /// Appends `record` (durable on return) and wakes the shippers. Throws Error(kUnavailable) when
  /// the spool is full: the client gets 503 + Retry-After and nothing accepted is dropped.
  void Append(std::string_view record);
  /// Append without waiting: `done` runs on the committer thread once the record is durable (null)
  /// or has failed; the shippers are woken first. Throws Error(kUnavailable) at once when the spool
  /// or the commit queue is full.
  void AppendAsync(std::string_view record, storage::GroupCommitter::DoneFn done);
  /// The same with an attachment (a request's input image), durable with the record.
  void AppendAsync(std::string_view record, std::span<const std::uint8_t> attachment,
                   storage::GroupCommitter::DoneFn done);
  /// Waits (at most `timeout`) until backend `name` holds every record appended so far; returns at
  /// once for a backend this pipeline does not have. False when the wait timed out.
  bool WaitFor(std::string_view name, std::chrono::milliseconds timeout);

  const std::vector<std::unique_ptr<Shipper>>& shippers() const { return shippers_; }
  SpoolStats Stats() const;
  std::uint64_t max_bytes() const { return max_bytes_; }
  /// Spool size, backlog, age, shipped, refused and failed counts per backend.
  void RegisterMetrics(telemetry::MetricsRegistry& registry) const;

 private:
  const std::uint64_t max_bytes_;
  Spool spool_;
  std::vector<std::unique_ptr<Shipper>> shippers_;  // last: they read the spool
};

}  // namespace faceloop::events
