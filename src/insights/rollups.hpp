#pragma once
// Maintenance of the hourly rollups (rollup_rows.hpp): the database shipper folds every record it
// inserted into them, in the same transaction, so the rollups count exactly the stored records.
#include <string>
#include <vector>

#include "db/database.hpp"
#include "insights/bucket.hpp"
#include "requests/record.hpp"

namespace faceloop::insights {

/// Adds `records` to the rollups on `tx`: aggregated in memory first, then one upserted row per
/// (hour, model version), per error type and per (feature, hour, model version, bin), in
/// multi-row statements. Pass each record
/// exactly once: the shipper passes only those its `ON CONFLICT DO NOTHING` insert added, which is
/// what makes a re-delivered batch count nothing twice.
void AddToRollups(db::IDatabase& tx, const std::vector<const requests::RequestRecord*>& records);

/// Recomputes every rollup from the stored records, in one transaction that keeps the shippers
/// out while it runs: for records stored before the rollups existed (migration 5), or to repair.
/// Unlike the queries, it reads the records, page by page. Returns how many it counted. Records
/// of deleted accounts are gone, so their share of the old rollups is lost. Also writes the sample
/// keys of records stored before migration 7 (requests/sample.hpp).
std::int64_t RebuildRollups(db::IDatabase& database);

/// Deletes the user's rows of the one rollup that holds user ids (rollup_user_days) on account
/// deletion; the anonymous counts stay. Returns the rows deleted.
std::int64_t PurgeUserRollups(db::IDatabase& database, const std::string& user_id);

/// The successful requests received in [from, to) (whole hours), counted from rollup_hours: what a
/// sampled analysis draws its sample from (requests/sample.hpp).
std::int64_t CountSuccesses(db::IDatabase& database, Time from, Time to);

}  // namespace faceloop::insights
