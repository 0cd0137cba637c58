#include "events/records.hpp"

#include "common/error.hpp"
#include "requests/record_json.hpp"

namespace faceloop::events {

std::string ToSpoolRecord(const RequestRecord& request) {
  return nlohmann::json{{"kind", "request"}, {"request", requests::ToJson(request)}}.dump();
}

std::string ToSpoolRecord(const Event& event) { return nlohmann::json{{"kind", "event"}, {"event", event}}.dump(); }

Record ParseSpoolRecord(std::string_view record) {
  const auto json = nlohmann::json::parse(record, nullptr, false);
  if (!json.is_object() || !json.contains("kind") || !json["kind"].is_string()) {
    throw Error(ErrorCode::kBadRequest, "spool record is not an object with a kind");
  }
  const std::string kind = json["kind"];
  try {
    if (kind == "request" && json.contains("request")) return requests::FromJson(json["request"]);
    if (kind == "event" && json.contains("event")) return json["event"].get<Event>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kBadRequest, std::string("malformed spool record: ") + e.what());
  }
  throw Error(ErrorCode::kBadRequest, "spool record of unknown kind '" + kind + "'");
}

ParsedBatch ParseSpoolBatch(const std::vector<std::string>& records) {
  ParsedBatch batch;
  batch.records.reserve(records.size());
  for (const std::string& text : records) {
    try {
      batch.records.push_back(ParseSpoolRecord(text));
    } catch (const Error& e) {
      batch.refused.emplace_back(e.what());
    }
  }
  return batch;
}

Event DetectEvent(const RequestRecord& request) {
  Event event;
  event.id = request.request_id;
  event.type = EventType::kDetect;
  event.user_id = request.user_id;
  event.occurred_at = request.received_at;
  event.data = {
      {"request_id", request.request_id}, {"faces", request.face_count.value_or(0)}, {"status", request.status}};
  return event;
}

}  // namespace faceloop::events
