#pragma once
// The retention purge: one function, run daily (the scheduler calls Purge; `faceloop purge` runs it
// once), that removes what the policy (policy.hpp) no longer keeps from the database, the object
// store and the search index, and removes late search documents of deleted accounts.
//
// Order per class: the image or search document goes before the row that names it, so a purge cut
// short leaves rows that the next run finds again, never files or documents nobody can find.
// Rollups (rollup_* tables) are not purged: they hold counts without user ids and outlive the
// records they summarise (docs/operations.md#retention).
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "db/database.hpp"
#include "retention/policy.hpp"
#include "search/search_sink.hpp"
#include "storage/object_store.hpp"

namespace faceloop::retention {

/// Where the data lives. `search` may be null (no search index configured).
struct PurgeTargets {
  db::IDatabase& database;
  storage::IObjectStore& objects;
  search::ISearchSink* search = nullptr;
};

/// What a purge removed, or with dry_run what it would remove.
struct PurgeCounts {
  std::int64_t input_images = 0;
  std::int64_t records = 0;  ///< their images are counted in input_images
  /// Images past the cut-off that no record names (a request that failed after its image was
  /// written, a record dropped with its account): found by their day folder, not by a row.
  std::int64_t unreferenced_images = 0;
  std::int64_t events = 0;
  std::int64_t feedback = 0;
  std::int64_t deleted_accounts_rechecked = 0;  ///< tombstones whose search documents were removed again
  std::int64_t tombstones_forgotten = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PurgeCounts, input_images, records, unreferenced_images, events, feedback,
                                   deleted_accounts_rechecked, tombstones_forgotten)

struct PurgeReport {
  bool dry_run = false;
  std::string now;
  std::map<std::string, std::string> cutoffs;  ///< per class with a period: data before this goes
  PurgeCounts counts;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PurgeReport, dry_run, now, cutoffs, counts)

/// Purges everything `policy` no longer keeps at `now`; with `dry_run` only counts (the search
/// index is not asked). Throws faceloop::Error when a backend fails; what was purged before stays
/// purged and a rerun continues.
PurgeReport Purge(const PurgeTargets& targets, const Policy& policy, std::chrono::system_clock::time_point now,
                  bool dry_run);

}  // namespace faceloop::retention
