#pragma once
// Group commit: many concurrent writers share one sync.
//
// Durability argument. A caller's Submit(write) returns normally only after, in this order:
//   1. `write` ran on the committer thread and put its bytes into the page cache (no sync), handing
//      the fds of the files it wrote to its SyncSet, plus renames still to do and directories whose
//      entries it changed;
//   2. phase 1: every file of the batch was synced (one fdatasync, or one syncfs per filesystem when
//      the batch touched several fds: Linux's syncfs waits for the I/O like fsync of every file,
//      see syncfs(2), and reports writeback errors since 5.8);
//   3. the renames ran (temp name -> final name), so a final name never points at unsynced data;
//   4. phase 2: the directories holding the new names (and parents of new directories) were synced;
//   5. the SyncSet's on-done hooks ran with durable = true.
// A kill -9 or power loss after Submit returned therefore finds the data under its final name. A
// crash before that leaves at most a temp file (names contain '~', which no key does) or, for the
// spool, a torn tail that recovery truncates. Batches with no renames fold phase 2 into phase 1: one
// sync per batch. A failed sync fails every item of the batch (errno is not per item after fsync).
//
// Batching comes for free: while the committer thread syncs, new Submits queue up and the next batch
// takes them all. The queue is bounded; when it is full, Submit throws Error(kUnavailable) at once
// (the HTTP layer answers 503 + Retry-After) instead of letting latency grow without bound.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "storage/unique_fd.hpp"

namespace faceloop::storage {

/// What one write needs made durable. Filled by the write function; consumed by the commit.
class SyncSet {
 public:
  /// A file whose data must be on disk (fdatasync). Pass a dup (DupFd) for files kept open elsewhere.
  void AddFile(UniqueFd fd) { files_.push_back(std::move(fd)); }
  /// A directory whose entries (names created, renamed, removed) must be on disk.
  void AddDir(std::filesystem::path dir) { dirs_.push_back(std::move(dir)); }
  /// rename(from, to) to run once the files are synced; `from` is unlinked if the item fails.
  void AddRename(std::filesystem::path from, std::filesystem::path to) {
    renames_.emplace_back(std::move(from), std::move(to));
  }
  /// Runs on the committer thread after the commit: durable = true after success, false when the
  /// write or a sync failed (the bytes may or may not be on disk). Must not throw.
  void OnDone(std::function<void(bool durable)> hook) { hooks_.push_back(std::move(hook)); }

  bool empty() const { return files_.empty() && dirs_.empty() && renames_.empty(); }

 private:
  friend class BatchCommit;
  friend void ApplyWithoutSync(SyncSet& set);
  std::vector<UniqueFd> files_;
  std::vector<std::filesystem::path> dirs_;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> renames_;
  std::vector<std::function<void(bool)>> hooks_;
};

/// Makes one SyncSet durable on the calling thread, without batching (two syncs when it renames).
/// Throws the first failure; the set's hooks have run either way.
void CommitNow(SyncSet& set);
/// Applies the renames and runs the hooks with durable = true WITHOUT syncing anything. For the
/// no-durability baseline of benchmarks only: a crash can lose or tear the data.
void ApplyWithoutSync(SyncSet& set);

/// Counters for /metrics.
struct GroupCommitStats {
  std::uint64_t batches = 0;       ///< batches committed
  std::uint64_t items = 0;         ///< Submit calls that ran (succeeded or failed)
  std::uint64_t failed_items = 0;  ///< of those, the ones that threw to their caller
  std::uint64_t syncs = 0;         ///< fdatasync/fsync/syncfs calls made
  std::uint64_t rejected = 0;      ///< Submit calls refused because the queue was full or closed
  std::size_t queue_depth = 0;     ///< items waiting for the next batch right now
};

struct GroupCommitOptions {
  /// Submit throws kUnavailable when this many items already wait. Sized so that a full queue is
  /// a few batches' worth of latency, not seconds.
  std::size_t max_queue = 1024;
  /// false skips every fsync (writes and renames still happen): only to measure what durability
  /// costs (bench/http/http_bench.sh). A crash may then lose answered requests.
  bool sync = true;
};

/// One background thread that runs submitted writes in batches and syncs each batch once.
class GroupCommitter {
 public:
  using WriteFn = std::function<void(SyncSet&)>;
  /// Called once with the outcome: null when the write and its batch's syncs succeeded.
  using DoneFn = std::function<void(std::exception_ptr error)>;

  explicit GroupCommitter(GroupCommitOptions options = {});
  /// Shutdown(): drains the queue first.
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;
  GroupCommitter(GroupCommitter&&) = delete;
  GroupCommitter& operator=(GroupCommitter&&) = delete;

  /// Runs `write` on the committer thread and returns once it and its batch's syncs finished.
  /// Rethrows what `write` threw, or the sync's Error. Throws Error(kUnavailable) without running
  /// `write` when the queue is full or the committer is shut down. Must not be called from a write.
  void Submit(WriteFn write);
  /// The same without waiting: `write` runs on the committer thread later, then `done` runs there
  /// with the outcome (so it must be quick, must not throw, and must not call Submit; it may call
  /// SubmitAsync). Throws Error(kUnavailable) at once, without queueing, when the queue is full or
  /// the committer is shut down. Whatever `write` captures must live until `done` ran.
  void SubmitAsync(WriteFn write, DoneFn done);
  /// Stops taking work, finishes everything queued, joins the thread. Idempotent.
  void Shutdown();
  GroupCommitStats Stats() const;
  /// False when configured not to sync (GroupCommitOptions::sync): writers that commit on their own
  /// thread follow the same policy.
  bool syncs() const { return options_.sync; }

 private:
  struct Item;
  void Run();
  void CommitBatch(const std::vector<Item*>& batch);
  void Enqueue(Item* item);  // needs mutex_; throws when full

  const GroupCommitOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;  ///< the committer thread: work arrived or shutdown
  std::condition_variable done_;  ///< the waiters: a batch finished
  std::deque<Item*> queue_;       ///< Submit's items live on its caller's stack; SubmitAsync's on the heap
  bool stopping_ = false;
  std::once_flag shutdown_once_;
  GroupCommitStats stats_;
  std::thread thread_;
};

}  // namespace faceloop::storage
