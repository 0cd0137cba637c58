#include "backup/backup.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "backup/sqlite_snapshot.hpp"
#include "common/error.hpp"
#include "common/time.hpp"
#include "events/spool.hpp"
#include "storage/file_util.hpp"
#include "storage/open_object_store.hpp"
#include "telemetry/log.hpp"

namespace faceloop::backup {
namespace {

namespace fs = std::filesystem;

const telemetry::Logger kLog("backup");

/// Temp and partial files (a Put or cursor write in progress) carry '~': never part of a backup.
bool IsTemp(const std::string& name) { return name.find('~') != std::string::npos; }

void Add(Manifest& manifest, const std::optional<FileEntry>& entry) {
  if (entry) manifest.files.push_back(*entry);
}

/// (1) the cursors, then (2) the segments: see backup.hpp for why in this order.
void CopySpool(const fs::path& data_dir, const fs::path& stage, Manifest& manifest) {
  const fs::path spool = data_dir / "spool";
  std::vector<std::string> cursors;
  std::vector<std::string> segments;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(spool, ec)) {
    const std::string name = entry.path().filename().string();
    if (IsTemp(name)) continue;
    if (name == "cursor" || name.starts_with("cursor.")) cursors.push_back(name);
    if (name.ends_with(".log")) segments.push_back(name);
  }
  for (const std::string& name : cursors) {
    const auto entry = CopyFile(spool / name, stage / "spool" / name, "spool/" + name);
    if (!entry) continue;
    // From the copy: the live file is overwritten in place at every ack.
    if (const auto cursor = events::ReadCursorFile(stage / "spool" / name)) {
      manifest.spool_cursors[name == "cursor" ? "" : name.substr(7)] = std::to_string(cursor->segment) + " " +
                                                                       std::to_string(cursor->offset) + " " +
                                                                       std::to_string(cursor->sequence);
    }
    Add(manifest, entry);
  }
  std::sort(segments.begin(), segments.end());
  std::int64_t copied = 0;
  for (const std::string& name : segments) {
    const auto entry = CopyFile(spool / name, stage / "spool" / name, "spool/" + name);
    copied += entry ? 1 : 0;
    Add(manifest, entry);
  }
  manifest.counts["spool_segments"] = copied;
}

/// (4) every complete object; an image deleted meanwhile (account deletion, purge) is skipped.
void CopyObjects(const fs::path& data_dir, const fs::path& stage, Manifest& manifest) {
  const fs::path root = data_dir / "objects";
  std::vector<std::string> keys;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string key = it->path().lexically_relative(root).generic_string();
    if (!IsTemp(key)) keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());
  std::int64_t copied = 0;
  for (const std::string& key : keys) {
    const auto entry = CopyFile(root / key, stage / "objects" / key, "objects/" + key);
    copied += entry ? 1 : 0;
    Add(manifest, entry);
  }
  manifest.counts["objects"] = copied;
}

void WriteManifest(const fs::path& stage, const Manifest& manifest) {
  const std::string text = nlohmann::json(manifest).dump(1) + "\n";
  storage::WriteFileDurably(stage / kManifestName,
                            std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

/// Uploads the staged files, the manifest last: a prefix without one is an unfinished backup.
void Upload(const fs::path& stage, const Manifest& manifest, const std::string& url, const EnvLookup& env) {
  const auto store = storage::OpenObjectStore(url, env);
  store->EnsureReady();
  for (const FileEntry& file : manifest.files) {
    const auto bytes = storage::ReadWholeFile(stage / file.path);
    if (!bytes) throw Error(ErrorCode::kInternal, "backup: staged file vanished: " + file.path);
    store->Put(file.path, *bytes);
  }
  store->Put(kManifestName, *storage::ReadWholeFile(stage / kManifestName));
}

fs::path MakeTempDir() {
  std::string pattern = (fs::temp_directory_path() / "faceloop-backup-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) storage::ThrowErrno("mkdtemp", pattern, errno);
  return pattern;
}

}  // namespace

bool IsS3(const std::string& where) { return where.starts_with("s3://"); }

void RequireEmptyOrMissing(const std::filesystem::path& dir, const char* what) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  if (!fs::is_directory(dir, ec) || !fs::is_empty(dir, ec)) {
    throw Error(ErrorCode::kConflict, std::string(what) + " " + dir.string() + " exists and is not empty");
  }
}

Manifest Backup(const BackupOptions& options, const EnvLookup& env) {
  if (options.destination.empty()) throw Error(ErrorCode::kBadRequest, "backup: --to is required");
  const bool s3 = IsS3(options.destination);
  if (!s3) RequireEmptyOrMissing(options.destination, "backup: destination");
  const fs::path stage = s3 ? MakeTempDir() : fs::path(options.destination);
  Manifest manifest;
  manifest.created_at = FormatTimestamp(std::chrono::system_clock::now());
  manifest.source = fs::absolute(options.data_dir).string();
  try {
    fs::create_directories(stage);
    CopySpool(options.data_dir, stage, manifest);
    for (const auto& [table, rows] : SnapshotSqlite(options.data_dir / "faceloop.db", stage / "faceloop.db")) {
      manifest.counts[table] = rows;
    }
    Add(manifest, HashFile(stage / "faceloop.db", "faceloop.db"));
    CopyObjects(options.data_dir, stage, manifest);
    Add(manifest, CopyFile(options.pepper_file, stage / "pepper", "pepper"));
    WriteManifest(stage, manifest);
    if (s3) Upload(stage, manifest, options.destination, env);
  } catch (...) {
    if (s3) fs::remove_all(stage);
    throw;
  }
  if (s3) fs::remove_all(stage);
  kLog.Info("backup written", {{"to", options.destination}, {"files", std::to_string(manifest.files.size())}});
  return manifest;
}

}  // namespace faceloop::backup
