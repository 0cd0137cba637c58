#pragma once
// The manifest of a backup (manifest.json, written last: a backup without one is unfinished): what
// was copied, each file's size and sha256, the spool cursors (where each shipper stood) and the
// row counts of the database copy. Restore checks every file against it before anything goes live.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace faceloop::backup {

inline constexpr int kManifestFormat = 1;
inline constexpr const char* kManifestName = "manifest.json";

struct FileEntry {
  std::string path;  ///< relative to the data folder ('/'-separated, a valid object key)
  std::uint64_t bytes = 0;
  std::string sha256;  ///< lower-case hex
};

struct Manifest {
  int format = kManifestFormat;
  std::string created_at;                            ///< when the backup started (RFC 3339)
  std::string source;                                ///< the data folder it was taken from
  std::map<std::string, std::string> spool_cursors;  ///< consumer ("" = default) -> "segment offset sequence"
  std::map<std::string, std::int64_t> counts;        ///< rows per table, plus "objects" and "spool_segments"
  std::vector<FileEntry> files;
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FileEntry, path, bytes, sha256)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Manifest, format, created_at, source, spool_cursors, counts, files)

/// Reads a manifest; Error(kBadRequest) naming what is wrong (not JSON, a missing field, another
/// format, a path that is not a safe relative key).
Manifest ParseManifest(const std::string& text);

/// SHA-256 of `bytes` in lower-case hex.
std::string Sha256Hex(const std::vector<std::uint8_t>& bytes);

/// Copies `from` to `to` (creating its folder), syncing it, and returns its entry under `path`;
/// nullopt when `from` vanished before it could be opened (a spool segment every shipper finished,
/// an image deleted with its account): what is gone needs no backup.
std::optional<FileEntry> CopyFile(const std::filesystem::path& from, const std::filesystem::path& to,
                                  const std::string& path);

/// The entry of an existing file under `path`; nullopt when there is no such file.
std::optional<FileEntry> HashFile(const std::filesystem::path& file, const std::string& path);

}  // namespace faceloop::backup
