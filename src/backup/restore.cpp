// `faceloop restore`: a backup (backup.hpp) into a new data folder, checked file by file first.
#include <fcntl.h>

#include <cerrno>
#include <cstdlib>

#include "backup/backup.hpp"
#include "common/error.hpp"
#include "storage/file_util.hpp"
#include "storage/open_object_store.hpp"
#include "telemetry/log.hpp"

namespace faceloop::backup {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Damaged(const FileEntry& file, const std::string& why) {
  throw Error(ErrorCode::kInternal, "restore: " + file.path + " " + why + ": the backup is damaged or incomplete");
}

void Check(const FileEntry& expected, const FileEntry& found) {
  if (found.bytes != expected.bytes) Damaged(expected, "has the wrong size");
  if (found.sha256 != expected.sha256) Damaged(expected, "does not match its sha256");
}

void WriteNew(const fs::path& to, const std::vector<std::uint8_t>& bytes) {
  storage::CreateDirectories(to.parent_path());
  const storage::UniqueFd fd = storage::OpenOrThrow(to, O_WRONLY | O_CREAT | O_EXCL, 0600);
  storage::WriteAll(fd.get(), bytes, to);
  storage::SyncFd(fd.get(), false, to);
}

std::string Text(const std::optional<std::vector<std::uint8_t>>& bytes) {
  if (!bytes) {
    throw Error(ErrorCode::kBadRequest, "restore: no manifest.json: not a faceloop backup, or an unfinished one");
  }
  return std::string(bytes->begin(), bytes->end());
}

/// Every file of a backup folder into `building`, streamed and checked.
Manifest FromFolder(const fs::path& source, const fs::path& building) {
  Manifest manifest = ParseManifest(Text(storage::ReadWholeFile(source / kManifestName)));
  for (const FileEntry& file : manifest.files) {
    const auto copied = CopyFile(source / file.path, building / file.path, file.path);
    if (!copied) Damaged(file, "is missing");
    Check(file, *copied);
  }
  return manifest;
}

/// Every object of a backup under an S3 prefix into `building`, checked.
Manifest FromS3(const std::string& url, const fs::path& building, const EnvLookup& env) {
  const auto store = storage::OpenObjectStore(url, env);
  Manifest manifest = ParseManifest(Text(store->Get(kManifestName)));
  for (const FileEntry& file : manifest.files) {
    const auto bytes = store->Get(file.path);
    if (!bytes) Damaged(file, "is missing");
    Check(file, FileEntry{file.path, bytes->size(), Sha256Hex(*bytes)});
    WriteNew(building / file.path, *bytes);
  }
  return manifest;
}

/// A new folder next to the target, so the rename into place is atomic (same file system).
fs::path BuildingDir(const fs::path& target) {
  std::string pattern = (target.parent_path() / (target.filename().string() + ".restoring-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) storage::ThrowErrno("mkdtemp", pattern, errno);
  return pattern;
}

/// Syncs every folder of the restored tree, so the names survive a crash once the rename does.
void SyncTree(const fs::path& root) {
  storage::SyncDir(root);
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_directory()) storage::SyncDir(entry.path());
  }
}

}  // namespace

Manifest Restore(const RestoreOptions& options, const EnvLookup& env) {
  if (options.source.empty()) throw Error(ErrorCode::kBadRequest, "restore: --from is required");
  const fs::path target = fs::absolute(options.data_dir).lexically_normal();
  RequireEmptyOrMissing(target, "restore: data folder");
  fs::create_directories(target.parent_path());
  const fs::path building = BuildingDir(target);
  Manifest manifest;
  try {
    manifest = IsS3(options.source) ? FromS3(options.source, building, env) : FromFolder(options.source, building);
    SyncTree(building);
    std::error_code ignored;
    fs::remove(target, ignored);  // an empty folder, checked above
    fs::rename(building, target);
    storage::SyncDir(target.parent_path());
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(building, ignored);
    throw;
  }
  telemetry::Logger("backup").Info("backup restored",
                                   {{"from", options.source}, {"files", std::to_string(manifest.files.size())}});
  return manifest;
}

}  // namespace faceloop::backup
