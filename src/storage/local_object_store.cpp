#include "storage/local_object_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <ctime>
#include <exception>
#include <string>

#include "common/error.hpp"
#include "storage/file_util.hpp"

namespace faceloop::storage {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxKeyLength = 1024;

bool IsKeyChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
         c == '.' || c == '-';
}

bool IsWordChar(char c) { return IsKeyChar(c) && c != '/' && c != '.'; }

void CheckChars(std::string_view text, std::string_view what) {
  if (!std::all_of(text.begin(), text.end(), IsKeyChar) || text.find("..") != std::string_view::npos) {
    throw Error(ErrorCode::kBadRequest, std::string(what) + " may only hold [A-Za-z0-9/_.-] and no \"..\"");
  }
}

// A name no key can have ('~' is not a key character), unique across threads and processes.
fs::path TempPathFor(const fs::path& target) {
  static std::atomic<std::uint64_t> counter{0};
  return target.string() + "~" + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
}

}  // namespace

void ValidateKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyLength) {
    throw Error(ErrorCode::kBadRequest, "object key length must be 1..1024");
  }
  CheckChars(key, "object key");
  if (key.front() == '/' || key.back() == '/' || key.find("//") != std::string_view::npos) {
    throw Error(ErrorCode::kBadRequest, "object key must be a relative path without empty segments");
  }
  if (key == "." || key.starts_with("./") || key.ends_with("/.") || key.find("/./") != std::string_view::npos) {
    throw Error(ErrorCode::kBadRequest, "object key must not have \".\" segments");
  }
}

void ValidateKeyPrefix(std::string_view prefix) { CheckChars(prefix, "key prefix"); }

std::string InputKey(std::string_view request_id, std::chrono::system_clock::time_point received_at,
                     std::string_view ext) {
  if (request_id.empty() || !std::all_of(request_id.begin(), request_id.end(), IsWordChar)) {
    throw Error(ErrorCode::kBadRequest, "request id must be [A-Za-z0-9_-]+");
  }
  if (ext.empty() ||
      !std::all_of(ext.begin(), ext.end(), [](char c) { return IsWordChar(c) && c != '_' && c != '-'; })) {
    throw Error(ErrorCode::kBadRequest, "file extension must be [A-Za-z0-9]+");
  }
  const std::time_t seconds = std::chrono::system_clock::to_time_t(received_at);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char date[16];
  if (std::strftime(date, sizeof(date), "%Y/%m/%d", &utc) == 0) {
    throw Error(ErrorCode::kBadRequest, "time out of range");
  }
  return "inputs/" + std::string(date) + "/" + std::string(request_id) + "." + std::string(ext);
}

LocalObjectStore::LocalObjectStore(fs::path root, GroupCommitter* committer)
    : root_(std::move(root)), committer_(committer) {
  for (const auto& parent : CreateDirectories(root_)) SyncDir(parent);
}

void LocalObjectStore::Put(const std::string& key, std::span<const std::uint8_t> bytes) {
  if (committer_ != nullptr) {
    ValidateKey(key);  // on the caller's thread: a bad key never takes a queue slot
    committer_->Submit([&](SyncSet& sync) { Write(key, bytes, sync, false); });
    return;
  }
  SyncSet sync;
  Write(key, bytes, sync, true);
  CommitNow(sync);
}

void LocalObjectStore::PutAsync(const std::string& key, std::span<const std::uint8_t> bytes,
                                GroupCommitter::DoneFn done) {
  if (committer_ == nullptr) throw Error(ErrorCode::kInternal, "PutAsync needs a group committer");
  ValidateKey(key);
  committer_->SubmitAsync([this, key, bytes](SyncSet& sync) { Write(key, bytes, sync, false); }, std::move(done));
}

void LocalObjectStore::PutBatch(const std::vector<std::pair<std::string, std::span<const std::uint8_t>>>& objects) {
  if (objects.empty()) return;
  SyncSet sync;
  try {
    for (const auto& [key, bytes] : objects) Write(key, bytes, sync, true);
  } catch (...) {
    // The objects written so far are whole: committed rather than left as temp files (the caller
    // retries the batch, which overwrites them).
    const auto error = std::current_exception();
    try {
      CommitNow(sync);
    } catch (const Error&) {
    }
    std::rethrow_exception(error);
  }
  if (committer_ != nullptr && !committer_->syncs()) {
    ApplyWithoutSync(sync);
  } else {
    CommitNow(sync);
  }
}

void LocalObjectStore::PutNoSync(const std::string& key, std::span<const std::uint8_t> bytes, SyncSet& sync) {
  Write(key, bytes, sync, false);
}

void LocalObjectStore::Write(const std::string& key, std::span<const std::uint8_t> bytes, SyncSet& sync,
                             bool sync_new_dirs_now) {
  ValidateKey(key);
  const fs::path target = root_ / key;
  const fs::path dir = target.parent_path();
  if (sync_new_dirs_now) {
    const std::lock_guard lock(dirs_mutex_);
    for (const auto& parent : CreateDirectories(dir)) SyncDir(parent);
  } else {
    // On the committer thread (one writer): the new directories are synced with the batch.
    for (const auto& parent : CreateDirectories(dir)) sync.AddDir(parent);
  }
  const fs::path temp = TempPathFor(target);
  UniqueFd fd = OpenOrThrow(temp, O_WRONLY | O_CREAT | O_EXCL);
  try {
    WriteAll(fd.get(), bytes, temp);
  } catch (...) {
    ::unlink(temp.c_str());
    throw;
  }
  sync.AddFile(std::move(fd));
  sync.AddRename(temp, target);
  sync.AddDir(dir);
}

std::optional<std::vector<std::uint8_t>> LocalObjectStore::Get(const std::string& key) {
  ValidateKey(key);
  return ReadWholeFile(root_ / key);
}

void LocalObjectStore::Delete(const std::string& key) {
  ValidateKey(key);
  const fs::path target = root_ / key;
  if (::unlink(target.c_str()) != 0) {
    if (errno == ENOENT) return;
    ThrowErrno("unlink", target, errno);
  }
  SyncDir(target.parent_path());
}

bool LocalObjectStore::Exists(const std::string& key) {
  ValidateKey(key);
  struct stat st {};
  return ::stat((root_ / key).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void LocalObjectStore::ForEachFile(const std::string& prefix,
                                   const std::function<void(std::string name, const fs::directory_entry&)>& visit) {
  ValidateKeyPrefix(prefix);
  const auto slash = prefix.rfind('/');
  const fs::path start = slash == std::string::npos ? root_ : root_ / prefix.substr(0, slash);
  std::error_code ec;
  if (!fs::is_directory(start, ec)) return;
  for (auto it = fs::recursive_directory_iterator(start, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string name = it->path().lexically_relative(root_).generic_string();
    if (name.starts_with(prefix)) visit(std::move(name), *it);
  }
  if (ec) ThrowErrno("list", start, ec.value());
}

std::vector<std::string> LocalObjectStore::List(const std::string& prefix) {
  std::vector<std::string> keys;
  ForEachFile(prefix, [&](std::string name, const fs::directory_entry& /*entry*/) {
    if (name.find('~') == std::string::npos) keys.push_back(std::move(name));
  });
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::int64_t LocalObjectStore::RemoveInterruptedWrites(const std::string& prefix, bool dry_run) {
  // A write takes milliseconds; a temp file an hour old belongs to a process that died mid-write.
  const auto stale_before = fs::file_time_type::clock::now() - std::chrono::hours(1);
  std::int64_t removed = 0;
  ForEachFile(prefix, [&](const std::string& name, const fs::directory_entry& entry) {
    std::error_code ec;
    if (name.find('~') == std::string::npos || entry.last_write_time(ec) >= stale_before || ec) return;
    if (!dry_run && !fs::remove(entry.path(), ec)) return;  // gone meanwhile, or not removable: not counted
    ++removed;
  });
  return removed;
}

}  // namespace faceloop::storage
