#include "requests/user_activity.hpp"

namespace faceloop::requests {

std::map<std::string, UserActivityTotals> ActivityOf(db::IDatabase& database,
                                                     const std::vector<std::string>& user_ids) {
  std::map<std::string, UserActivityTotals> totals;
  if (user_ids.empty()) return totals;
  // One query for the page (at most 100 users): the user_id index answers each.
  std::string marks;
  db::Params params;
  for (const std::string& id : user_ids) {
    marks += marks.empty() ? "?" : ", ?";
    params.emplace_back(id);
  }
  for (const db::Row& row : database.Query(
           "SELECT user_id, COUNT(*), MAX(received_at) FROM requests WHERE user_id IN (" + marks + ") GROUP BY user_id",
           params)) {
    totals[row.Get<std::string>(0)] = {row.Get<std::int64_t>(1), row.Get<std::string>(2)};
  }
  return totals;
}

}  // namespace faceloop::requests
