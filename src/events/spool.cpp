#include "events/spool.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <utility>

#include "common/error.hpp"
#include "events/spool_format.hpp"
#include "storage/file_util.hpp"

namespace faceloop::events {

namespace fs = std::filesystem;
using storage::OpenOrThrow;
using storage::UniqueFd;

namespace {

constexpr const char* kCursorFile = "cursor";

bool Before(const SpoolCursor& a, const SpoolCursor& b) {
  return std::pair(a.segment, a.offset) < std::pair(b.segment, b.offset);
}

void CheckConsumerName(const std::string& name) {
  const bool ok = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  if (!ok || name.size() > 64) throw Error(ErrorCode::kInternal, "spool consumer name '" + name + "' is invalid");
}

std::uint64_t NowUnixMs() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace

Spool::Spool(const fs::path& data_dir, storage::GroupCommitter& committer, SpoolOptions options)
    : dir_(data_dir / "spool"), committer_(committer), options_(std::move(options)) {
  for (const auto& parent : storage::CreateDirectories(dir_)) storage::SyncDir(parent);
  Recover();
}

std::optional<SpoolCursor> ReadCursorFile(const fs::path& path) { return spool_format::LoadCursor(path); }

Spool::~Spool() = default;

fs::path Spool::SegmentPath(std::uint64_t id) const { return dir_ / spool_format::SegmentName(id); }

fs::path Spool::CursorPath(std::string_view consumer) const {
  return dir_ / (consumer.empty() ? std::string(kCursorFile) : std::string(kCursorFile) + "." + std::string(consumer));
}

void Spool::Recover() {
  std::error_code ignored;
  if (options_.consumers.empty()) throw Error(ErrorCode::kInternal, "a spool needs at least one consumer");
  std::map<std::string, std::optional<SpoolCursor>> saved_cursors;
  std::optional<SpoolCursor> saved;  // the oldest saved cursor: segments before it are consumed by all
  for (const std::string& name : options_.consumers) {
    CheckConsumerName(name);
    fs::remove(CursorPath(name).string() + "~tmp", ignored);
    auto& file = cursor_files_[name] = std::make_unique<spool_format::CursorFile>(CursorPath(name));
    const auto& cursor = file->saved();
    saved_cursors[name] = cursor;
    if (!cursor) continue;
    if (!saved || Before(*cursor, *saved)) saved = cursor;
  }
  acked_ = saved.value_or(SpoolCursor{});
  std::vector<std::uint64_t> live;
  for (const std::uint64_t id : spool_format::ListSegments(dir_)) {
    if (id < acked_.segment) {
      fs::remove(SegmentPath(id), ignored);  // acked before a crash that beat the deletion
    } else {
      live.push_back(id);
    }
  }
  if (live.empty()) {
    live.push_back(std::max<std::uint64_t>(acked_.segment, 1));
    CreateSegment(live.back());
  }
  if (live.front() != acked_.segment) {
    recovery_.cursor_reset = saved.has_value();
    acked_ = SpoolCursor{live.front(), 0, acked_.sequence};
  }
  std::uint64_t records = 0;
  for (const std::uint64_t id : live) OpenSegment(id, id == acked_.segment ? acked_.offset : 0, records);
  if (acked_.offset > segments_[acked_.segment].written) {
    recovery_.cursor_reset = true;
    acked_.offset = segments_[acked_.segment].written;
  }
  durable_sequence_ = acked_.sequence + records;
  RecoverConsumerCursors(saved_cursors);
}

void Spool::RecoverConsumerCursors(const std::map<std::string, std::optional<SpoolCursor>>& saved) {
  for (const auto& [name, cursor] : saved) {
    SpoolCursor position = cursor.value_or(acked_);
    const auto it = segments_.find(position.segment);
    const bool lost = Before(position, acked_) || it == segments_.end() || position.offset > it->second.written ||
                      position.sequence > durable_sequence_;
    if (lost) {
      recovery_.cursor_reset = recovery_.cursor_reset || cursor.has_value();
      position = acked_;
    }
    consumer_cursors_[name] = position;
    // Saved at once: a consumer that never acks before a crash must not, after it, start at
    // another consumer's later cursor. One added to an existing spool starts at the oldest record.
    if (!cursor) cursor_files_.at(name)->Save(position);
  }
}

void Spool::CreateSegment(std::uint64_t id) {
  OpenOrThrow(SegmentPath(id), O_RDWR | O_CREAT | O_EXCL);
  storage::SyncDir(dir_);
}

void Spool::OpenSegment(std::uint64_t id, std::uint64_t count_from, std::uint64_t& records) {
  const fs::path path = SegmentPath(id);
  UniqueFd fd = OpenOrThrow(path, O_RDWR);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) storage::ThrowErrno("stat", path, errno);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  const auto scan = spool_format::ScanSegment(fd.get(), path, size, count_from);
  if (scan.valid_bytes < size) {
    // A crash mid-write (or damage): keep every whole, valid frame before the bad one.
    if (::ftruncate(fd.get(), static_cast<off_t>(scan.valid_bytes)) != 0) storage::ThrowErrno("truncate", path, errno);
    storage::SyncFd(fd.get(), true, path);
    ++recovery_.truncated_segments;
    recovery_.truncated_bytes += size - scan.valid_bytes;
  }
  segments_[id] = Segment{scan.valid_bytes, scan.valid_bytes};
  total_bytes_ += scan.valid_bytes;
  records += scan.records_from;
  active_id_ = id;  // the last one opened stays the active segment
  active_fd_ = std::move(fd);
}

std::vector<std::uint8_t> Spool::AdmitFrame(std::string_view record, std::span<const std::uint8_t> attachment) {
  if (record.size() > options_.max_record_bytes) {
    throw Error(ErrorCode::kPayloadTooLarge,
                "spool record of " + std::to_string(record.size()) + " bytes is too large");
  }
  if (attachment.size() > spool_format::kMaxPayloadBytes) {
    throw Error(ErrorCode::kPayloadTooLarge,
                "spool attachment of " + std::to_string(attachment.size()) + " bytes is too large");
  }
  const std::uint64_t now = NowUnixMs();
  std::vector<std::uint8_t> frame;
  frame.reserve(2 * spool_format::kHeaderBytes + attachment.size() + record.size());
  if (!attachment.empty()) spool_format::AppendFrame(frame, attachment, now, true);
  spool_format::AppendFrame(frame, {reinterpret_cast<const std::uint8_t*>(record.data()), record.size()}, now, false);
  // Early refusal, so a full spool does not take commit-queue slots; WriteFrame checks again.
  const std::lock_guard lock(mutex_);
  if (failed_) throw Error(ErrorCode::kUnavailable, "spool unavailable after a failed sync; restart to recover");
  if (total_bytes_ + frame.size() > options_.max_total_bytes) throw Error(ErrorCode::kUnavailable, "spool is full");
  return frame;
}

void Spool::Append(std::string_view record) {
  const auto frame = AdmitFrame(record);
  committer_.Submit([&](storage::SyncSet& sync) { WriteFrame(frame, sync); });
}

void Spool::AppendAsync(std::string_view record, storage::GroupCommitter::DoneFn done) {
  AppendAsync(record, {}, std::move(done));
}

void Spool::AppendAsync(std::string_view record, std::span<const std::uint8_t> attachment,
                        storage::GroupCommitter::DoneFn done) {
  auto frame = std::make_shared<const std::vector<std::uint8_t>>(AdmitFrame(record, attachment));
  committer_.SubmitAsync([this, frame](storage::SyncSet& sync) { WriteFrame(*frame, sync); }, std::move(done));
}

void Spool::WriteFrame(const std::vector<std::uint8_t>& frame, storage::SyncSet& sync) {
  const std::lock_guard lock(mutex_);
  if (failed_) throw Error(ErrorCode::kUnavailable, "spool unavailable after a failed sync; restart to recover");
  if (total_bytes_ + frame.size() > options_.max_total_bytes) throw Error(ErrorCode::kUnavailable, "spool is full");
  if (segments_[active_id_].written > 0 && segments_[active_id_].written + frame.size() > options_.segment_bytes) {
    RollOver(sync);
  }
  Segment& segment = segments_[active_id_];
  const fs::path path = SegmentPath(active_id_);
  UniqueFd handle = storage::DupFd(active_fd_.get(), path);  // first: once written, the frame must be tracked
  try {
    storage::PwriteAll(active_fd_.get(), frame, static_cast<off_t>(segment.written), path);
  } catch (...) {
    // Tidy only: the next frame is written at the same offset, and recovery cuts a garbage tail.
    [[maybe_unused]] const int rc = ::ftruncate(active_fd_.get(), static_cast<off_t>(segment.written));
    throw;
  }
  segment.written += frame.size();
  total_bytes_ += frame.size();
  sync.AddFile(std::move(handle));
  sync.OnDone([this, id = active_id_, end = segment.written](bool durable) { OnFrameDone(id, end, durable); });
}

void Spool::RollOver(storage::SyncSet& sync) {
  const std::uint64_t id = active_id_ + 1;
  active_fd_ = OpenOrThrow(SegmentPath(id), O_RDWR | O_CREAT | O_EXCL);
  active_id_ = id;
  segments_[id] = Segment{};
  sync.AddDir(dir_);  // the new segment's name must be durable with its first frames
}

void Spool::OnFrameDone(std::uint64_t segment, std::uint64_t end, bool durable) {
  const std::lock_guard lock(mutex_);
  if (!durable) {
    failed_ = true;
    return;
  }
  const auto it = segments_.find(segment);  // always there: Ack never passes non-durable data
  if (it != segments_.end()) it->second.durable = std::max(it->second.durable, end);
  ++durable_sequence_;
}

SpoolCursor Spool::Normalize(SpoolCursor cursor) const {
  // Step past segments that are sealed, fully durable and fully consumed, so they can be deleted.
  for (auto it = segments_.find(cursor.segment); it != segments_.end(); it = segments_.find(cursor.segment)) {
    const auto next = std::next(it);
    if (next == segments_.end() || cursor.offset < it->second.written || it->second.durable < it->second.written) break;
    cursor = SpoolCursor{next->first, 0, cursor.sequence};
  }
  return cursor;
}

SpoolCursor& Spool::ConsumerCursor(std::string_view consumer) {
  const auto it = consumer_cursors_.find(consumer);
  if (it == consumer_cursors_.end()) {
    throw Error(ErrorCode::kInternal, "spool has no consumer '" + std::string(consumer) + "'");
  }
  return it->second;
}

const SpoolCursor& Spool::ConsumerCursor(std::string_view consumer) const {
  const auto it = consumer_cursors_.find(consumer);
  if (it == consumer_cursors_.end()) {
    throw Error(ErrorCode::kInternal, "spool has no consumer '" + std::string(consumer) + "'");
  }
  return it->second;
}

void Spool::CheckReadable(const SpoolCursor& cursor, const SpoolCursor& floor, const char* what) const {
  const auto it = segments_.find(cursor.segment);
  const bool ok = it != segments_.end() && cursor.offset <= it->second.durable && cursor.sequence >= floor.sequence &&
                  cursor.sequence <= durable_sequence_ && !Before(cursor, floor);
  if (!ok) throw Error(ErrorCode::kBadRequest, std::string(what) + ": cursor is outside the spool's unacked records");
}

SpoolBatch Spool::ReadBatch(const SpoolCursor& from, std::size_t max_records, std::size_t max_bytes,
                            bool with_attachments) const {
  std::map<std::uint64_t, Segment> segments;
  {
    const std::lock_guard lock(mutex_);
    CheckReadable(from, acked_, "ReadBatch");
    segments = segments_;  // a few entries; the reads below run without the lock
  }
  SpoolBatch batch;
  SpoolCursor cursor = from;
  std::size_t bytes = 0;
  std::string attachment;  // of the record frame that follows
  UniqueFd fd;
  std::uint64_t fd_segment = 0;
  while (batch.records.size() < max_records && bytes < max_bytes) {
    const auto it = segments.find(cursor.segment);
    if (it == segments.end()) break;
    if (cursor.offset >= it->second.durable) {
      const auto next = std::next(it);
      if (next == segments.end() || it->second.durable < it->second.written) break;
      cursor = SpoolCursor{next->first, 0, cursor.sequence};
      continue;
    }
    const fs::path path = SegmentPath(cursor.segment);
    if (!fd || fd_segment != cursor.segment) {
      fd = OpenOrThrow(path, O_RDONLY);
      fd_segment = cursor.segment;
    }
    // An attachment is durable with its record (one write, one sync), so both lie below `durable`.
    std::uint64_t offset = cursor.offset;
    const auto read = with_attachments ? spool_format::FrameRead::kWhole : spool_format::FrameRead::kSkipAttachment;
    auto frame = spool_format::ReadFrame(fd.get(), path, offset, it->second.durable, read);
    if (frame && frame->attachment) {
      attachment = std::move(frame->payload);
      offset = frame->next_offset;
      frame = spool_format::ReadFrame(fd.get(), path, offset, it->second.durable);
    }
    if (!frame || frame->attachment) {
      throw Error(ErrorCode::kInternal,
                  "spool segment " + path.string() + " is corrupt at offset " + std::to_string(offset));
    }
    bytes += frame->payload.size() + attachment.size();
    batch.records.push_back(std::move(frame->payload));
    if (with_attachments) batch.attachments.push_back(std::move(attachment));
    attachment.clear();
    cursor.offset = frame->next_offset;
    ++cursor.sequence;
  }
  batch.next = cursor;
  return batch;
}

void Spool::Ack(const SpoolCursor& upto, std::string_view consumer) {
  const std::lock_guard ack_lock(ack_mutex_);
  SpoolCursor target;
  {
    const std::lock_guard lock(mutex_);
    const SpoolCursor& mine = ConsumerCursor(consumer);
    CheckReadable(upto, mine, "Ack");
    target = Normalize(upto);
    if (target == mine) return;
  }
  cursor_files_.find(consumer)->second->Save(target);
  std::vector<std::uint64_t> consumed;
  {
    const std::lock_guard lock(mutex_);
    ConsumerCursor(consumer) = target;
    acked_ = target;
    for (const auto& [name, cursor] : consumer_cursors_) {
      if (Before(cursor, acked_)) acked_ = cursor;
    }
    for (auto it = segments_.begin(); it != segments_.end() && it->first < acked_.segment;) {
      total_bytes_ -= it->second.written;
      consumed.push_back(it->first);
      it = segments_.erase(it);
    }
  }
  // No directory sync: a deletion lost in a crash is redone by Recover (segments below the cursor).
  std::error_code ignored;
  for (const std::uint64_t id : consumed) fs::remove(SegmentPath(id), ignored);
}

SpoolCursor Spool::AckedCursor(std::string_view consumer) const {
  const std::lock_guard lock(mutex_);
  return ConsumerCursor(consumer);
}

std::uint64_t Spool::DurableSequence() const {
  const std::lock_guard lock(mutex_);
  return durable_sequence_;
}

SpoolStats Spool::Stats(std::string_view consumer) const {
  SpoolStats stats;
  SpoolCursor head;
  std::uint64_t head_limit = 0;
  {
    const std::lock_guard lock(mutex_);
    const SpoolCursor& acked = ConsumerCursor(consumer);
    stats.backlog_records = durable_sequence_ - acked.sequence;
    for (const auto& [id, segment] : segments_) {
      if (id >= acked.segment) stats.backlog_bytes += segment.durable - (id == acked.segment ? acked.offset : 0);
    }
    stats.total_bytes = total_bytes_;
    stats.segments = segments_.size();
    head = Normalize(acked);
    head_limit = segments_.at(head.segment).durable;
  }
  if (stats.backlog_records == 0) return stats;
  try {
    const fs::path path = SegmentPath(head.segment);
    const UniqueFd fd = OpenOrThrow(path, O_RDONLY);
    if (const auto frame =
            spool_format::ReadFrame(fd.get(), path, head.offset, head_limit, spool_format::FrameRead::kHeader)) {
      const auto now = NowUnixMs();
      stats.oldest_unacked_age_s =
          now > frame->append_unix_ms ? static_cast<double>(now - frame->append_unix_ms) / 1e3 : 0;
    }
  } catch (const Error&) {
    // The segment went away under a concurrent Ack: the age is about to change anyway.
  }
  return stats;
}

}  // namespace faceloop::events
