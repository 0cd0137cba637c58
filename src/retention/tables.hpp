#pragma once
// The purge's SQL on the tables that have no store of their own: `events` (written by the
// database shipper, events/database_sink.cpp) and `deleted_users` (the tombstones written with
// an account's deletion, accounts/account_service.cpp).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace faceloop::retention {

using Time = std::chrono::system_clock::time_point;

/// Events that occurred before `cutoff`.
std::int64_t CountEventsBefore(db::IDatabase& database, Time cutoff);
/// Deletes up to `limit` of those; returns how many.
std::int64_t DeleteEventsBefore(db::IDatabase& database, Time cutoff, int limit);

/// Ids of the accounts deleted at or after `since`: their late search documents are still removed.
std::vector<std::string> TombstonesSince(db::IDatabase& database, Time since);
/// Tombstones older than `before`, and forgetting them (returns how many went).
std::int64_t CountTombstonesBefore(db::IDatabase& database, Time before);
std::int64_t ForgetTombstonesBefore(db::IDatabase& database, Time before);

}  // namespace faceloop::retention
