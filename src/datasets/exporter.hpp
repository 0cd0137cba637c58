#pragma once
// Runs one export: the strategies' candidates (selection.hpp), each kept only once (by request,
// by the sha256 of its stored bytes, by its perceptual hash), within the caps; the image copied
// from the object store and the predictions handed to the format's writer; export_items recorded
// in batches; then manifest.json LAST. A folder is written under a temporary name next to it and
// renamed when complete; an S3 prefix is staged locally and uploaded with the manifest last (the
// completion marker). Memory stays bounded: one page of candidates, one image at a time, and the
// de-duplication indexes (a few dozen bytes per exported image).
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "datasets/params.hpp"
#include "datasets/selection.hpp"
#include "db/database.hpp"
#include "storage/object_store.hpp"

namespace faceloop::datasets {

inline constexpr std::string_view kManifestName = "manifest.json";

using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

struct ExportContext {
  db::IDatabase& database;
  storage::IObjectStore& images;  ///< where the requests' images are (image_key)
  ConsentPolicy consent;
  EnvLookup env;  ///< S3 credentials for an s3:// destination
};

// NOLINT below: clang-tidy 14 reads a throw into nlohmann::json's noexcept move constructor (as for
// detect/import/tfjs_graph.hpp's TfjsNode).
struct ExportOutcome {    // NOLINT(bugprone-exception-escape)
  nlohmann::json counts;  ///< per strategy: taken; dropped: duplicates, near duplicates, ...; files
  std::int64_t images = 0;
  std::string location;
};

/// Exports to params.to (a new or empty folder, or s3://...). Throws faceloop::Error; a failed
/// export leaves no folder under the final name and no manifest under the prefix.
ExportOutcome RunExport(const ExportContext& context, const ExportParams& params, const std::string& export_id,
                        std::chrono::system_clock::time_point now);

/// Refuses (kConflict) a folder destination that exists and is not empty, before any work.
void CheckDestination(const std::string& to);

}  // namespace faceloop::datasets
