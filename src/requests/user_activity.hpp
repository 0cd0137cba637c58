#pragma once
// How many requests each of some users made, and when the last one arrived: the admins' user
// listing shows it next to each account (GET /v1/admin/users). Counted in the database.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace faceloop::requests {

struct UserActivityTotals {
  std::int64_t request_count = 0;
  std::string last_request_at;  ///< "" when the user made none
};

/// Per user id of `user_ids` with at least one stored request; the others are absent.
std::map<std::string, UserActivityTotals> ActivityOf(db::IDatabase& database, const std::vector<std::string>& user_ids);

}  // namespace faceloop::requests
