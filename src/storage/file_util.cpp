#include "storage/file_util.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/error.hpp"

namespace faceloop::storage {

namespace fs = std::filesystem;

void ThrowErrno(std::string_view what, const fs::path& path, int err) {
  const bool full = err == ENOSPC || err == EDQUOT;
  throw Error(full ? ErrorCode::kUnavailable : ErrorCode::kInternal,
              std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

UniqueFd OpenOrThrow(const fs::path& path, int flags, mode_t mode) {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) ThrowErrno("open", path, errno);
  return UniqueFd(fd);
}

void WriteAll(int fd, std::span<const std::uint8_t> bytes, const fs::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ThrowErrno("write", path, errno);
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
}

void PwriteAll(int fd, std::span<const std::uint8_t> bytes, off_t offset, const fs::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ThrowErrno("write", path, errno);
    bytes = bytes.subspan(static_cast<std::size_t>(n));
    offset += n;
  }
}

bool PreadExact(int fd, std::span<std::uint8_t> out, off_t offset, const fs::path& path) {
  while (!out.empty()) {
    const ssize_t n = ::pread(fd, out.data(), out.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ThrowErrno("read", path, errno);
    if (n == 0) return false;
    out = out.subspan(static_cast<std::size_t>(n));
    offset += n;
  }
  return true;
}

std::optional<std::vector<std::uint8_t>> ReadWholeFile(const fs::path& path) {
  const int raw = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (raw < 0 && errno == ENOENT) return std::nullopt;
  if (raw < 0) ThrowErrno("open", path, errno);
  const UniqueFd fd(raw);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) ThrowErrno("stat", path, errno);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(st.st_size));
  if (!PreadExact(fd.get(), bytes, 0, path)) ThrowErrno("read (file shrank)", path, EIO);
  return bytes;
}

void SyncFd(int fd, bool data_only, const fs::path& path) {
  int rc = 0;
  do {
    rc = data_only ? ::fdatasync(fd) : ::fsync(fd);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) ThrowErrno(data_only ? "fdatasync" : "fsync", path, errno);
}

void SyncDir(const fs::path& dir) {
  const UniqueFd fd = OpenOrThrow(dir, O_RDONLY | O_DIRECTORY);
  SyncFd(fd.get(), false, dir);
}

UniqueFd DupFd(int fd, const fs::path& path) {
  const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) ThrowErrno("dup", path, errno);
  return UniqueFd(copy);
}

std::vector<fs::path> CreateDirectories(const fs::path& dir) {
  // Walk down from the first missing ancestor so every created directory's parent is recorded.
  std::vector<fs::path> missing;
  for (fs::path p = dir; !p.empty() && !fs::exists(p); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  std::vector<fs::path> parents_to_sync;
  // Outermost first. A reverse-iterator loop rather than std::views::reverse, which clang 14
  // cannot compile against GCC 12's libstdc++ (the fuzz preset builds with clang).
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {  // NOLINT(modernize-loop-convert): see above
    const fs::path& path = *it;
    if (::mkdir(path.c_str(), 0755) == 0) {
      parents_to_sync.push_back(path.parent_path().empty() ? fs::path(".") : path.parent_path());
    } else if (errno != EEXIST) {  // EEXIST: made concurrently; see LocalObjectStore::dirs_mutex_
      ThrowErrno("mkdir", path, errno);
    }
  }
  return parents_to_sync;
}

void WriteFileDurably(const fs::path& path, std::span<const std::uint8_t> bytes) {
  // '~' cannot appear in object keys or spool names, so a leftover temp file is never mistaken for data.
  const fs::path temp = path.string() + "~tmp";
  {
    const UniqueFd fd = OpenOrThrow(temp, O_WRONLY | O_CREAT | O_TRUNC);
    WriteAll(fd.get(), bytes, temp);
    SyncFd(fd.get(), true, temp);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) ThrowErrno("rename", temp, errno);
  SyncDir(path.parent_path().empty() ? fs::path(".") : path.parent_path());
}

}  // namespace faceloop::storage
