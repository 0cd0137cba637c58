#pragma once
// A consistent copy of a live SQLite database through SQLite's online backup API, safe while another
// process (`faceloop serve`) writes to it: in WAL mode the copy reads one snapshot and never blocks
// the writer.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace faceloop::backup {

/// Copies the database at `from` into a new file `to` (which must not exist) and syncs it; returns
/// the row count of each faceloop table the copy holds (for the manifest). Throws Error(kNotFound)
/// when `from` is missing and Error(kInternal) for any SQLite failure.
std::map<std::string, std::int64_t> SnapshotSqlite(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace faceloop::backup
