#pragma once
// Thin, throwing wrappers over the POSIX file calls the storage and spool code need. Every failure
// becomes a faceloop::Error: ENOSPC/EDQUOT map to kUnavailable (the disk is full; a retry later may
// succeed, and the HTTP layer answers 503), every other errno to kInternal.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "storage/unique_fd.hpp"

namespace faceloop::storage {

/// Throws the faceloop::Error for `err` (an errno value), naming the operation and the path.
[[noreturn]] void ThrowErrno(std::string_view what, const std::filesystem::path& path, int err);

/// open(2) with O_CLOEXEC added; throws on failure.
UniqueFd OpenOrThrow(const std::filesystem::path& path, int flags, mode_t mode = 0644);
/// Writes all of `bytes` at the current offset, retrying short writes and EINTR.
void WriteAll(int fd, std::span<const std::uint8_t> bytes, const std::filesystem::path& path);
/// Writes all of `bytes` at `offset`.
void PwriteAll(int fd, std::span<const std::uint8_t> bytes, off_t offset, const std::filesystem::path& path);
/// Reads exactly `out.size()` bytes at `offset`; false when the file ends first.
bool PreadExact(int fd, std::span<std::uint8_t> out, off_t offset, const std::filesystem::path& path);
/// The whole file, or nullopt when it does not exist.
std::optional<std::vector<std::uint8_t>> ReadWholeFile(const std::filesystem::path& path);
/// fsync(2) (or fdatasync(2) when `data_only`) with EINTR retried.
void SyncFd(int fd, bool data_only, const std::filesystem::path& path);
/// Opens a directory and fsyncs it, making the names created or removed in it durable.
void SyncDir(const std::filesystem::path& dir);
/// dup(2) with O_CLOEXEC: lets a batch sync own a handle on a file another object keeps writing.
UniqueFd DupFd(int fd, const std::filesystem::path& path);
/// Creates `dir` and its missing parents. Returns the parents of the directories it created: the
/// directories whose entries must be synced for the new ones to survive a crash (oldest first).
std::vector<std::filesystem::path> CreateDirectories(const std::filesystem::path& dir);
/// Replaces `path` atomically and durably: temp file, fsync, rename, fsync of the directory.
void WriteFileDurably(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);

}  // namespace faceloop::storage
