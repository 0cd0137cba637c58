#pragma once
// IObjectStore on a local folder. Put writes a temp file next to the target, syncs it, renames it
// into place and syncs the directory (and the parents of directories it had to create), so a key
// either holds a complete object or nothing. With a GroupCommitter those syncs are shared by every
// Put (and spool append) of a batch; see storage/group_commit.hpp for the durability argument.
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/group_commit.hpp"
#include "storage/object_store.hpp"

namespace faceloop::storage {

/// Throws Error(kBadRequest) unless `key` is a safe relative path: non-empty, at most 1024 chars of
/// [A-Za-z0-9/_.-], no leading or trailing '/', no empty segment, no "." segment and no "..".
void ValidateKey(std::string_view key);

/// Throws Error(kBadRequest) unless `prefix` (of List) holds only key characters and no "..".
void ValidateKeyPrefix(std::string_view prefix);

/// The key of a request's input image: "inputs/YYYY/MM/DD/<request_id>.<ext>" with the UTC date of
/// `received_at`. request_id is [A-Za-z0-9_-]+ and ext [A-Za-z0-9]+ (else Error(kBadRequest)).
std::string InputKey(std::string_view request_id, std::chrono::system_clock::time_point received_at,
                     std::string_view ext);

class LocalObjectStore final : public IObjectStore {
 public:
  /// Creates `root` if needed. Without a committer every Put syncs on its own (two syncs per Put);
  /// with one, Puts go through it. The committer must outlive the store.
  explicit LocalObjectStore(std::filesystem::path root, GroupCommitter* committer = nullptr);

  void Put(const std::string& key, std::span<const std::uint8_t> bytes) override;
  std::optional<std::vector<std::uint8_t>> Get(const std::string& key) override;
  void Delete(const std::string& key) override;
  bool Exists(const std::string& key) override;
  std::vector<std::string> List(const std::string& prefix) override;
  /// The temp files of writes a crash interrupted (their names hold '~', which no key does).
  std::int64_t RemoveInterruptedWrites(const std::string& prefix, bool dry_run) override;

  /// Writes the object to a temp file and records in `sync` what makes it durable and visible (the
  /// file to sync, the rename, the directories). Nothing is visible under `key` until `sync` is
  /// committed. For GroupCommitter write functions and benchmarks; call from one thread at a time.
  void PutNoSync(const std::string& key, std::span<const std::uint8_t> bytes, SyncSet& sync);
  /// Put through the committer without waiting: `done` runs on the committer thread with the outcome
  /// (see GroupCommitter::SubmitAsync); `bytes` must stay valid until then. Needs a committer;
  /// throws Error(kUnavailable) at once when its queue is full.
  void PutAsync(const std::string& key, std::span<const std::uint8_t> bytes, GroupCommitter::DoneFn done);

  /// Puts every object durably with one commit on the calling thread: one syncfs for all the
  /// files, then the renames, then one sync per directory (not through the committer, so the
  /// request path's commits never wait behind a batch of images). Skips syncing when the
  /// committer is configured not to sync.
  void PutBatch(const std::vector<std::pair<std::string, std::span<const std::uint8_t>>>& objects);

  const std::filesystem::path& root() const { return root_; }

 private:
  void Write(const std::string& key, std::span<const std::uint8_t> bytes, SyncSet& sync, bool sync_new_dirs_now);
  /// Calls `visit(name, entry)` for every regular file whose name (relative to the root, temp files
  /// included) starts with `prefix`, walking only the deepest directory the prefix names in full.
  void ForEachFile(const std::string& prefix,
                   const std::function<void(std::string name, const std::filesystem::directory_entry&)>& visit);

  const std::filesystem::path root_;
  GroupCommitter* const committer_;
  /// Serialises directory creation on the direct (no committer) path, so that a Put which finds a
  /// directory already there knows its creator has synced it.
  std::mutex dirs_mutex_;
};

}  // namespace faceloop::storage
