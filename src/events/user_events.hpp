#pragma once
// A user's own events as stored in the `events` table (by the database shipper), for the user's
// data export (GET /v1/me/export). Paged by id: ids are time-ordered.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/database.hpp"

namespace faceloop::events {

struct StoredEvent {
  std::string id;
  std::string type;
  std::string occurred_at;  ///< as stored: the RFC 3339 timestamp format
  nlohmann::json data;      ///< the event's details (an object; {} when none)
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(StoredEvent, id, type, occurred_at, data)

/// Up to `limit` of `user_id`'s events with ids after `after_id` (all when unset), oldest first.
std::vector<StoredEvent> ListUserEvents(db::IDatabase& database, const std::string& user_id,
                                        const std::optional<std::string>& after_id, int limit);

}  // namespace faceloop::events
