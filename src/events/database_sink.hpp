#pragma once
// Ships spooled records into the analytics tables of the database (SQLite or PostgreSQL): one
// transaction per batch, `ON CONFLICT DO NOTHING` on the record ids, so a batch retried after a
// crash or a failed commit inserts nothing twice. The hourly rollups (src/insights) are updated in
// the same transaction with the request records that were new, so they count each one once.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "events/records.hpp"

namespace faceloop::events {

/// Inserts the batch; returns the number of records refused for good (unreadable ones). A request
/// record whose user no longer exists (the account was deleted while it waited) is dropped, not
/// inserted: it counts as delivered, and `on_dropped` gets its image key to delete the image too.
/// Throws when the batch must be retried.
std::size_t DeliverToDatabase(db::IDatabase& database, const std::vector<std::string>& records,
                              const std::function<void(const std::string& image_key)>& on_dropped = {});

}  // namespace faceloop::events
