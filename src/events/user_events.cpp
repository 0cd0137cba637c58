#include "events/user_events.hpp"

namespace faceloop::events {

std::vector<StoredEvent> ListUserEvents(db::IDatabase& database, const std::string& user_id,
                                        const std::optional<std::string>& after_id, int limit) {
  std::vector<StoredEvent> events;
  for (const db::Row& row : database.Query(
           "SELECT id, type, occurred_at, data_json FROM events WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?",
           {user_id, after_id.value_or(""), std::int64_t{limit}})) {
    const auto data_json = row.Get<std::optional<std::string>>(3);
    nlohmann::json data = data_json ? nlohmann::json::parse(*data_json, nullptr, false) : nlohmann::json::object();
    if (!data.is_object()) data = nlohmann::json::object();  // unreadable details are left out, not fatal
    events.push_back({row.Get<std::string>(0), row.Get<std::string>(1), row.Get<std::string>(2), std::move(data)});
  }
  return events;
}

}  // namespace faceloop::events
