#pragma once
// The faceloop schema, as versioned migrations for IDatabase::ApplyMigrations.
#include <vector>

#include "db/database.hpp"

namespace faceloop::db {

/// Every faceloop migration, oldest first. Append new versions; never edit an applied one.
///
/// v1: users, api_keys and sessions (accounts; keys and sessions go with their user through ON DELETE
/// CASCADE), requests (one row per detect request, id time-ordered) and events (audit/analytics).
/// requests and events carry user ids without foreign keys: they are analytics records that the
/// caller purges explicitly when a user is deleted, and they must not block or slow that delete.
/// Timestamps are TEXT in the fixed-width format of db/timestamp.hpp; secrets are stored only as
/// BLOB hashes.
/// Version 2 adds requests.tiling and requests.error_type; 3 the record's columns; 4 feedback and
/// feedback_tokens_used; 5 the hourly rollups (src/insights); 6 sessions.key_id (revoking a key
/// ends its sessions); 7 requests.sample_key and the covering indexes of the insights at scale; 8 the
/// reports table; 9 the scheduler's job_runs and the alerts; 10 deleted_users, the tombstones of
/// deleted accounts (src/retention); 11 the daily rollups (rollup_bin_days, rollup_user_days); 12 user_preferences and
/// rating_emails (accounts/preferences.hpp, the rating e-mail); 13 sessions.last_used_at (GET /v1/sessions).
/// The SQL is adapted to `dialect`.
std::vector<Migration> FaceloopMigrations(Dialect dialect = Dialect::kSqlite);

}  // namespace faceloop::db
