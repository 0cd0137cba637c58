#include "storage/group_commit.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <memory>
#include <set>

#include "common/error.hpp"
#include "common/thread_name.hpp"
#include "storage/file_util.hpp"

namespace faceloop::storage {

namespace fs = std::filesystem;

namespace {

struct SyncTarget {
  int fd;
  bool data_only;  // files: fdatasync; directories: fsync
  fs::path path;   // for error messages
};

// One file: fdatasync/fsync it (the common case of a spool-only batch, whose items all hand in dups
// of the same segment). Several: one syncfs per filesystem, which costs one journal commit and one
// device flush instead of one per file (the point of batching).
std::uint64_t SyncTargets(const std::vector<SyncTarget>& targets) {
  if (targets.empty()) return 0;
  std::set<std::pair<dev_t, ino_t>> inodes;
  std::vector<std::size_t> first_per_device;
  std::set<dev_t> devices;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    struct stat st {};
    if (::fstat(targets[i].fd, &st) != 0) ThrowErrno("stat", targets[i].path, errno);
    inodes.emplace(st.st_dev, st.st_ino);
    if (devices.insert(st.st_dev).second) first_per_device.push_back(i);
  }
  if (inodes.size() == 1) {
    SyncFd(targets[0].fd, targets[0].data_only, targets[0].path);
    return 1;
  }
  for (const std::size_t i : first_per_device) {
    if (::syncfs(targets[i].fd) != 0) ThrowErrno("syncfs", targets[i].path, errno);
  }
  return first_per_device.size();
}

}  // namespace

/// Commits several SyncSets together (see the durability argument in the header). errors[i] holds
/// set i's failure on entry (its write threw) and on exit.
class BatchCommit {
 public:
  BatchCommit(std::vector<SyncSet*> sets, std::vector<std::exception_ptr>& errors, bool sync = true)
      : sets_(std::move(sets)), errors_(errors), sync_(sync) {}

  /// Returns the number of sync calls made. Never throws: failures land in errors.
  std::uint64_t Run() {
    try {
      RunPhases();
    } catch (...) {
      FailPending(std::current_exception());
    }
    Finish();
    return syncs_;
  }

 private:
  void RunPhases() {
    bool renames = false;
    for (std::size_t i = 0; i < sets_.size(); ++i) renames |= !errors_[i] && !sets_[i]->renames_.empty();
    std::vector<SyncTarget> targets;
    for (std::size_t i = 0; i < sets_.size(); ++i) {
      if (errors_[i]) continue;
      for (const auto& fd : sets_[i]->files_) targets.push_back({fd.get(), true, "(written file)"});
    }
    std::vector<UniqueFd> dir_fds;
    if (!renames) AddDirTargets(targets, dir_fds);
    if (sync_) syncs_ += SyncTargets(targets);
    if (!renames) return;

    DoRenames();
    targets.clear();
    AddDirTargets(targets, dir_fds);
    if (sync_) syncs_ += SyncTargets(targets);
  }

  void AddDirTargets(std::vector<SyncTarget>& targets, std::vector<UniqueFd>& fds) {
    std::set<fs::path> dirs;
    for (std::size_t i = 0; i < sets_.size(); ++i) {
      if (!errors_[i]) dirs.insert(sets_[i]->dirs_.begin(), sets_[i]->dirs_.end());
    }
    for (const auto& dir : dirs) {
      fds.push_back(OpenOrThrow(dir, O_RDONLY | O_DIRECTORY));
      targets.push_back({fds.back().get(), false, dir});
    }
  }

  void DoRenames() {
    for (std::size_t i = 0; i < sets_.size(); ++i) {
      if (errors_[i]) continue;
      try {
        for (const auto& [from, to] : sets_[i]->renames_) {
          if (::rename(from.c_str(), to.c_str()) != 0) ThrowErrno("rename", from, errno);
        }
      } catch (...) {
        errors_[i] = std::current_exception();
      }
    }
  }

  void FailPending(const std::exception_ptr& error) {
    for (auto& e : errors_) {
      if (!e) e = error;
    }
  }

  void Finish() {
    for (std::size_t i = 0; i < sets_.size(); ++i) {
      SyncSet& set = *sets_[i];
      const bool durable = !errors_[i];
      if (!durable) {
        for (const auto& rename : set.renames_) ::unlink(rename.first.c_str());  // temp leftovers
      }
      for (const auto& hook : set.hooks_) hook(durable);
      set = SyncSet();
    }
  }

  std::vector<SyncSet*> sets_;
  std::vector<std::exception_ptr>& errors_;
  const bool sync_;
  std::uint64_t syncs_ = 0;
};

void CommitNow(SyncSet& set) {
  std::vector<std::exception_ptr> errors(1);
  BatchCommit({&set}, errors).Run();
  if (errors[0]) std::rethrow_exception(errors[0]);
}

void ApplyWithoutSync(SyncSet& set) {
  bool ok = true;
  int err = 0;
  fs::path failed;
  for (const auto& [from, to] : set.renames_) {
    if (ok && ::rename(from.c_str(), to.c_str()) != 0) {
      ok = false;
      err = errno;
      failed = from;
    }
    if (!ok) ::unlink(from.c_str());
  }
  for (const auto& hook : set.hooks_) hook(ok);
  set = SyncSet();
  if (!ok) ThrowErrno("rename", failed, err);
}

// A Submit item lives on its caller's stack; the committer touches it only until it sets `done`
// (under mutex_), and all its copies of the error are gone by then, so the caller owns the exception
// alone. A SubmitAsync item (with on_done) is owned by the committer and deleted after on_done ran.
struct GroupCommitter::Item {
  WriteFn write;
  SyncSet set;
  std::exception_ptr error;
  bool done = false;
  DoneFn on_done;
};

GroupCommitter::GroupCommitter(GroupCommitOptions options)
    : options_(options), thread_([this] {
        NameThisThread("commit");
        Run();
      }) {}

GroupCommitter::~GroupCommitter() { Shutdown(); }

void GroupCommitter::Enqueue(Item* item) {
  if (stopping_ || queue_.size() >= options_.max_queue) {
    ++stats_.rejected;
    throw Error(ErrorCode::kUnavailable, stopping_ ? "storage is shutting down" : "storage write queue is full");
  }
  queue_.push_back(item);
  wake_.notify_one();
}

void GroupCommitter::Submit(WriteFn write) {
  Item item{std::move(write)};
  std::unique_lock lock(mutex_);
  Enqueue(&item);
  done_.wait(lock, [&item] { return item.done; });
  if (item.error) std::rethrow_exception(std::move(item.error));
}

void GroupCommitter::SubmitAsync(WriteFn write, DoneFn done) {
  auto item = std::make_unique<Item>(Item{std::move(write)});
  item->on_done = std::move(done);
  const std::lock_guard lock(mutex_);
  Enqueue(item.get());
  (void)item.release();  // the committer owns it now
}

void GroupCommitter::Shutdown() {
  std::call_once(shutdown_once_, [this] {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  });
}

GroupCommitStats GroupCommitter::Stats() const {
  const std::lock_guard lock(mutex_);
  GroupCommitStats stats = stats_;
  stats.queue_depth = queue_.size();
  return stats;
}

void GroupCommitter::Run() {
  for (;;) {
    std::vector<Item*> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is done
      batch.assign(queue_.begin(), queue_.end());
      queue_.clear();
    }
    CommitBatch(batch);
  }
}

void GroupCommitter::CommitBatch(const std::vector<Item*>& batch) {
  std::vector<std::exception_ptr> errors(batch.size());
  std::vector<SyncSet*> sets;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      batch[i]->write(batch[i]->set);
    } catch (...) {
      errors[i] = std::current_exception();
    }
    sets.push_back(&batch[i]->set);
  }
  const std::uint64_t syncs = BatchCommit(std::move(sets), errors, options_.sync).Run();
  std::vector<std::unique_ptr<Item>> finished_async;
  {
    const std::lock_guard lock(mutex_);
    ++stats_.batches;
    stats_.items += batch.size();
    stats_.syncs += syncs;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      stats_.failed_items += errors[i] ? 1 : 0;
      batch[i]->error = std::move(errors[i]);
      if (batch[i]->on_done) {
        finished_async.emplace_back(batch[i]);
        continue;
      }
      batch[i]->write = nullptr;  // its captures belong to the caller, which may return once done is set
      batch[i]->done = true;
    }
  }
  done_.notify_all();
  // Outside the lock: a callback may queue the next write of its request (SubmitAsync).
  for (const auto& item : finished_async) {
    item->on_done(std::move(item->error));
    item->write = nullptr;
  }
}

}  // namespace faceloop::storage
