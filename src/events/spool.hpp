#pragma once
// A durable, append-only spool of records (JSON strings) under <data_dir>/spool/, between the
// request path (producers) and the shipper (one consumer) that moves records to remote backends.
//
// - Append is durable on return: the frame is written by the GroupCommitter's thread and synced with
//   its batch (one fdatasync for a spool-only batch). A record is readable only once durable.
// - Recovery on open: every segment is scanned; a torn or CRC-bad tail (crash mid-write) is cut off
//   at the last good frame instead of failing the open (see recovery()).
// - Consumer: ReadBatch(cursor) ... ship ... Ack(batch.next). The acked cursor is persisted in
//   spool/cursor (spool_format.hpp: a slot overwritten in place and synced), so after a restart shipping resumes where
//   it was acked: delivery is at-least-once. Segments wholly before the acked cursor are deleted.
// - Several consumers (SpoolOptions::consumers, e.g. one per backend) read the same records, each
//   at its own pace with its own persisted cursor (spool/cursor.<name>; "" is spool/cursor), so a
//   backend that is down holds back only its own shipping. A segment is deleted once every
//   consumer has acked past it; a consumer without a saved cursor starts at the oldest record.
// - A record may carry an attachment (a request's input image), written in the same frame write
//   and so durable with it; only consumers that ask for attachments read them (ReadBatch).
// - Bounded: when the segments would exceed max_total_bytes, Append throws Error(kUnavailable). The
//   policy is to refuse new work (the HTTP layer answers 503) rather than drop accepted records.
// - After a failed sync the spool refuses appends (kUnavailable) until it is reopened: Linux may
//   have dropped the unsynced pages, and only a rescan tells what is really on disk.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/group_commit.hpp"
#include "storage/unique_fd.hpp"

namespace faceloop::events {

namespace spool_format {
class CursorFile;
}

struct SpoolOptions {
  std::uint64_t segment_bytes = 64ull << 20;   ///< a segment is closed once a frame would pass this
  std::uint64_t max_total_bytes = 1ull << 30;  ///< bound on all segment files together
  std::uint32_t max_record_bytes = 16u << 20;  ///< Append refuses bigger records (kPayloadTooLarge)
  std::vector<std::string> consumers = {""};   ///< names of [a-z0-9_-]; "" is the unnamed default
};

/// A position in the spool: before the record numbered `sequence`, at `offset` of segment `segment`.
/// Consumers treat it as opaque and hand back what ReadBatch returned.
struct SpoolCursor {
  std::uint64_t segment = 0;
  std::uint64_t offset = 0;
  std::uint64_t sequence = 0;
  bool operator==(const SpoolCursor&) const = default;
};

struct SpoolBatch {
  std::vector<std::string> records;
  /// When ReadBatch was asked for them: each record's attachment ("" when it has none).
  std::vector<std::string> attachments;
  SpoolCursor next;  ///< Ack(next) once the records are shipped; ReadBatch(next) for the following ones
};

/// Counters for /metrics.
struct SpoolStats {
  std::uint64_t backlog_records = 0;  ///< durable, not yet acked
  std::uint64_t backlog_bytes = 0;    ///< their frames' bytes
  double oldest_unacked_age_s = 0;    ///< age of the oldest unacked record, 0 when none
  std::uint64_t total_bytes = 0;      ///< all segment files (what max_total_bytes bounds)
  std::uint64_t segments = 0;
};

/// What opening the spool found.
struct SpoolRecovery {
  std::uint64_t truncated_segments = 0;  ///< segments cut at a torn or corrupt frame
  std::uint64_t truncated_bytes = 0;
  bool cursor_reset = false;  ///< the acked cursor pointed at data that is gone; reading restarts earlier
};

/// A consumer's saved cursor file (spool/cursor[.name]), read without opening the spool (backups);
/// nullopt when there is none, Error(kInternal) when it is damaged.
std::optional<SpoolCursor> ReadCursorFile(const std::filesystem::path& path);

class Spool {
 public:
  /// Opens (creating if needed) <data_dir>/spool and recovers it. `committer` must outlive the spool.
  Spool(const std::filesystem::path& data_dir, storage::GroupCommitter& committer, SpoolOptions options = {});
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  /// Appends one record; durable when it returns. Throws Error(kPayloadTooLarge) for a record over
  /// max_record_bytes and Error(kUnavailable) when the spool is full or the commit queue is.
  void Append(std::string_view record);
  /// Append without waiting: `done` runs on the committer thread once the record is durable (null)
  /// or failed. Throws Error(kUnavailable) at once when the spool or the commit queue is full.
  void AppendAsync(std::string_view record, storage::GroupCommitter::DoneFn done);
  /// The same with an attachment, durable with the record (attachments have no size limit of
  /// their own below the format's 64 MiB; they count towards max_total_bytes).
  void AppendAsync(std::string_view record, std::span<const std::uint8_t> attachment,
                   storage::GroupCommitter::DoneFn done);

  /// Up to `max_records` durable records from `from` (and about `max_bytes`; at least one record).
  /// `from` must not be before the acked cursor. One consumer thread at a time. Attachments are
  /// skipped without reading them unless `with_attachments` (they then count towards max_bytes).
  SpoolBatch ReadBatch(const SpoolCursor& from, std::size_t max_records, std::size_t max_bytes = 4u << 20,
                       bool with_attachments = false) const;
  /// Marks everything before `upto` consumed by `consumer`: persists it and deletes the segments
  /// every consumer has consumed. Throws kInternal for a consumer not in SpoolOptions::consumers.
  void Ack(const SpoolCursor& upto, std::string_view consumer = {});
  /// The consumer's last acked cursor (where it starts after a restart).
  SpoolCursor AckedCursor(std::string_view consumer = {}) const;
  /// The durable sequence number: a consumer whose acked cursor's sequence reaches the value read
  /// at some moment has consumed every record that was durable at that moment.
  std::uint64_t DurableSequence() const;

  SpoolStats Stats(std::string_view consumer = {}) const;
  const SpoolRecovery& recovery() const { return recovery_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  struct Segment {
    std::uint64_t written = 0;  ///< bytes written (the file's size)
    std::uint64_t durable = 0;  ///< bytes synced: what readers may see
  };

  /// The frames of the record (and its attachment), or throws when too large or full.
  std::vector<std::uint8_t> AdmitFrame(std::string_view record, std::span<const std::uint8_t> attachment = {});
  void Recover();
  void OpenSegment(std::uint64_t id, std::uint64_t count_from, std::uint64_t& records);
  void CreateSegment(std::uint64_t id);
  void WriteFrame(const std::vector<std::uint8_t>& frame, storage::SyncSet& sync);
  void RollOver(storage::SyncSet& sync);  // needs mutex_
  void OnFrameDone(std::uint64_t segment, std::uint64_t end, bool durable);
  SpoolCursor Normalize(SpoolCursor cursor) const;                                                  // needs mutex_
  void CheckReadable(const SpoolCursor& cursor, const SpoolCursor& floor, const char* what) const;  // needs mutex_
  SpoolCursor& ConsumerCursor(std::string_view consumer);                                           // needs mutex_
  const SpoolCursor& ConsumerCursor(std::string_view consumer) const;                               // needs mutex_
  void RecoverConsumerCursors(const std::map<std::string, std::optional<SpoolCursor>>& saved);
  std::filesystem::path CursorPath(std::string_view consumer) const;
  std::filesystem::path SegmentPath(std::uint64_t id) const;

  const std::filesystem::path dir_;
  storage::GroupCommitter& committer_;
  const SpoolOptions options_;
  SpoolRecovery recovery_;

  mutable std::mutex mutex_;
  std::map<std::uint64_t, Segment> segments_;
  std::uint64_t active_id_ = 0;
  storage::UniqueFd active_fd_;
  std::uint64_t total_bytes_ = 0;
  std::uint64_t durable_sequence_ = 0;  ///< sequence number after the last durable record
  SpoolCursor acked_;                   ///< the oldest of the consumers' cursors: what ReadBatch may start from
  std::map<std::string, SpoolCursor, std::less<>> consumer_cursors_;
  /// Written under ack_mutex_ (and in the constructor).
  std::map<std::string, std::unique_ptr<spool_format::CursorFile>, std::less<>> cursor_files_;
  bool failed_ = false;
  std::mutex ack_mutex_;  ///< serialises Ack's cursor writes without holding mutex_ over an fsync
};

}  // namespace faceloop::events
