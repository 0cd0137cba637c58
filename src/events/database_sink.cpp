#include "events/database_sink.hpp"

#include <map>

#include "common/time.hpp"
#include "events/records.hpp"
#include "insights/rollups.hpp"
#include "requests/store.hpp"
#include "telemetry/log.hpp"

namespace faceloop::events {
namespace {

void InsertEvent(db::IDatabase& tx, const Event& event) {
  tx.Execute(
      "INSERT INTO events (id, type, user_id, occurred_at, data_json) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (id) DO NOTHING",
      {event.id, std::string(ToString(event.type)),
       event.user_id.empty() ? db::Value(nullptr) : db::Value(event.user_id),
       faceloop::FormatTimestamp(event.occurred_at), event.data.dump()});
}

/// Whether the user still exists, asked once per user and batch.
class LiveUsers {
 public:
  explicit LiveUsers(db::IDatabase& tx) : tx_(tx) {}
  bool Contains(const std::string& user_id) {
    const auto [it, inserted] = known_.try_emplace(user_id, false);
    if (inserted) it->second = tx_.QueryOne("SELECT 1 FROM users WHERE id = ?", {user_id}).has_value();
    return it->second;
  }

 private:
  db::IDatabase& tx_;
  std::map<std::string, bool> known_;
};

}  // namespace

std::size_t DeliverToDatabase(db::IDatabase& database, const std::vector<std::string>& records,
                              const std::function<void(const std::string& image_key)>& on_dropped) {
  // Parsed before the transaction: it holds the database (SQLite: the connection) while it runs.
  const ParsedBatch batch = ParseSpoolBatch(records);
  for (const std::string& why : batch.refused) {
    telemetry::Logger("shipper").Error("dropping unreadable spool record", {{"backend", "database"}, {"error", why}});
  }
  std::vector<std::string> dropped_images;
  database.Transaction([&](db::IDatabase& tx) {
    LiveUsers users(tx);
    dropped_images.clear();
    std::vector<const RequestRecord*> inserted;  // new to the table: the rollups count only these
    for (const Record& record : batch.records) {
      if (const auto* request = std::get_if<RequestRecord>(&record)) {
        // A record of an account deleted while it waited must not come back to life.
        if (!users.Contains(request->user_id)) {
          if (request->image_key) dropped_images.push_back(*request->image_key);
          continue;
        }
        if (requests::RequestStore::Insert(tx, *request)) inserted.push_back(request);
        InsertEvent(tx, DetectEvent(*request));
      } else if (const auto* event = std::get_if<Event>(&record)) {
        InsertEvent(tx, *event);
      }  // a FeedbackChange: the feedback routes wrote it already; it is spooled for the search index
    }
    insights::AddToRollups(tx, inserted);
  });
  if (on_dropped) {
    for (const std::string& key : dropped_images) on_dropped(key);
  }
  return batch.refused.size();
}

}  // namespace faceloop::events
