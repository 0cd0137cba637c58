#pragma once
// `faceloop backup` and `faceloop restore` for the embedded default (SQLite, the local objects
// folder, the spool): docs/operations.md#backups. The production backends have their own tools
// (pg_dump, S3 versioning, OpenSearch snapshots), described there.
//
// Consistency while `serve` runs, without stopping it: every answered request is durable in the
// spool (its image in the objects folder before it), and the database is filled from the spool.
// So the backup copies, in this order: (1) the spool cursors, (2) the spool segments, (3) a SQLite
// snapshot, (4) the objects. A record acked by the database shipper before (1) is in the snapshot
// (3); one acked later is still in a segment copied at (2), after the cursor it replays from; a
// segment deleted before (2) was acked by every shipper, so its records are in (3). Every image of
// a record in (2) or (3) existed before it and is copied at (4). Restoring puts the spool back,
// and the new process's database shipper re-delivers from the cursor (inserts are idempotent).
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "backup/manifest.hpp"

namespace faceloop::backup {

/// The variables an S3 destination takes its credentials from (AWS_*), as for the service.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

struct BackupOptions {
  std::filesystem::path data_dir;     ///< the running service's data folder
  std::filesystem::path pepper_file;  ///< the service's pepper (keys are useless without it)
  std::string destination;            ///< a folder (missing or empty) or s3://bucket/prefix?endpoint=...
};

/// Takes the backup; returns its manifest (also written last, as manifest.json). Throws
/// Error(kConflict) for a non-empty destination folder, kNotFound when data_dir holds no database.
Manifest Backup(const BackupOptions& options, const EnvLookup& env);

struct RestoreOptions {
  std::string source;              ///< what Backup wrote: a folder or an s3:// URL
  std::filesystem::path data_dir;  ///< the new data folder: missing or empty
};

/// Restores into a new data folder. Every file is checked against the manifest before the folder
/// appears (it is built next to it and renamed into place), so a failed restore leaves nothing.
/// Throws Error(kConflict) for a non-empty data_dir, kBadRequest for a missing or bad manifest,
/// kInternal for a file whose size or sha256 differs.
Manifest Restore(const RestoreOptions& options, const EnvLookup& env);

/// Throws Error(kConflict) when `dir` exists and is not an empty folder; `what` names it.
void RequireEmptyOrMissing(const std::filesystem::path& dir, const char* what);

/// Whether `where` names an S3 location rather than a folder.
bool IsS3(const std::string& where);

}  // namespace faceloop::backup
