#include "events/database_sink.hpp"

#include <iostream>
#include <map>

#include "events/records.hpp"

namespace faceloop::events {
namespace {

db::Value Text(const nlohmann::json& doc, const char* field) {
  const auto it = doc.find(field);
  if (it == doc.end() || !it->is_string()) return nullptr;
  return it->get<std::string>();
}

db::Value Number(const nlohmann::json& doc, const char* field) {
  const auto it = doc.find(field);
  if (it == doc.end() || !it->is_number()) return nullptr;
  return it->get<double>();
}

db::Value Integer(const nlohmann::json& doc, const char* field) {
  const auto it = doc.find(field);
  if (it == doc.end() || !it->is_number()) return nullptr;
  return it->get<std::int64_t>();
}

db::Value Flag(const nlohmann::json& doc, const char* field) {
  const auto it = doc.find(field);
  if (it == doc.end() || !it->is_boolean()) return nullptr;
  return static_cast<std::int64_t>(it->get<bool>() ? 1 : 0);
}

void InsertRequest(db::IDatabase& tx, const RequestRecord& request) {
  const nlohmann::json& d = request.doc;
  const nlohmann::json output{{"faces", d.value("faces", nlohmann::json::array())}};
  tx.Execute(
      "INSERT INTO requests (id, user_id, key_id, received_at, client_ip, user_agent, status, model_name, "
      "model_version, min_confidence, face_count, confidence_min, confidence_mean, confidence_max, decode_ms, "
      "inference_ms, total_ms, image_key, image_bytes, metadata_json, output_json, tiling, error_type) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
      {request.id(),
       Text(d, "user_id"),
       Text(d, "key_id"),
       Text(d, "received_at"),
       Text(d, "client_ip"),
       Text(d, "user_agent"),
       Integer(d, "status"),
       Text(d, "model_name"),
       Text(d, "model_version"),
       Number(d, "min_confidence"),
       Integer(d, "face_count"),
       Number(d, "confidence_min"),
       Number(d, "confidence_mean"),
       Number(d, "confidence_max"),
       Number(d, "decode_ms"),
       Number(d, "inference_ms"),
       Number(d, "total_ms"),
       Text(d, "image_key"),
       Integer(d, "image_bytes"),
       d.value("image", nlohmann::json::object()).dump(),
       output.dump(),
       Flag(d, "tiling"),
       Text(d, "error_type")});
}

void InsertEvent(db::IDatabase& tx, const Event& event) {
  tx.Execute(
      "INSERT INTO events (id, type, user_id, occurred_at, data_json) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (id) DO NOTHING",
      {event.id, std::string(ToString(event.type)),
       event.user_id.empty() ? db::Value(nullptr) : db::Value(event.user_id), FormatTimestamp(event.occurred_at),
       event.data.dump()});
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

Event DetectEvent(const RequestRecord& request) {
  const nlohmann::json& d = request.doc;
  Event event;
  event.id = request.id();
  event.type = EventType::kDetect;
  event.user_id = d.value("user_id", "");
  event.occurred_at = ParseTimestamp(d.value("received_at", ""));
  event.data = {{"request_id", request.id()}, {"faces", d.value("face_count", 0)}, {"status", d.value("status", 0)}};
  return event;
}

std::size_t DeliverToDatabase(db::IDatabase& database, const std::vector<std::string>& records,
                              const std::function<void(const std::string& image_key)>& on_dropped) {
  // Parsed before the transaction: it holds the database (SQLite: the connection) while it runs.
  const ParsedBatch batch = ParseSpoolBatch(records);
  for (const std::string& why : batch.refused)
    std::cerr << "faceloop: dropping unreadable spool record: " << why << "\n";
  std::vector<std::string> dropped_images;
  database.Transaction([&](db::IDatabase& tx) {
    LiveUsers users(tx);
    dropped_images.clear();
    for (const Record& record : batch.records) {
      if (const auto* request = std::get_if<RequestRecord>(&record)) {
        // A record of an account deleted while it waited must not come back to life.
        if (!users.Contains(request->doc.value("user_id", ""))) {
          if (request->doc.contains("image_key")) dropped_images.push_back(request->doc.value("image_key", ""));
          continue;
        }
        InsertRequest(tx, *request);
        InsertEvent(tx, DetectEvent(*request));
      } else {
        InsertEvent(tx, std::get<Event>(record));
      }
    }
  });
  if (on_dropped) {
    for (const std::string& key : dropped_images) on_dropped(key);
  }
  return batch.refused.size();
}

}  // namespace faceloop::events
