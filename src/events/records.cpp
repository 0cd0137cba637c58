#include "events/records.hpp"

#include "common/error.hpp"
#include "feedback/feedback_json.hpp"
#include "requests/record_json.hpp"

namespace faceloop::events {

std::string ToSpoolRecord(const RequestRecord& request) {
  return nlohmann::json{{"kind", "request"}, {"request", requests::ToJson(request)}}.dump();
}

std::string ToSpoolRecord(const Event& event) { return nlohmann::json{{"kind", "event"}, {"event", event}}.dump(); }

std::string ToSpoolRecord(const FeedbackChange& change) {
  return nlohmann::json{{"kind", "feedback"},
                        {"op", change.op == FeedbackChange::Op::kPut ? "put" : "delete"},
                        {"feedback", feedback::ToJson(change.feedback)}}
      .dump();
}

namespace {

FeedbackChange ParseFeedbackChange(const nlohmann::json& json) {
  const std::string op = json.value("op", "");
  if (op != "put" && op != "delete") throw Error(ErrorCode::kBadRequest, "feedback spool record without a valid op");
  return FeedbackChange{op == "put" ? FeedbackChange::Op::kPut : FeedbackChange::Op::kDelete,
                        feedback::FromJson(json["feedback"])};
}

}  // namespace

Record ParseSpoolRecord(std::string_view record) {
  const auto json = nlohmann::json::parse(record, nullptr, false);
  if (!json.is_object() || !json.contains("kind") || !json["kind"].is_string()) {
    throw Error(ErrorCode::kBadRequest, "spool record is not an object with a kind");
  }
  const std::string kind = json["kind"];
  try {
    if (kind == "request" && json.contains("request")) return requests::FromJson(json["request"]);
    if (kind == "event" && json.contains("event")) return json["event"].get<Event>();
    if (kind == "feedback" && json.contains("feedback")) return ParseFeedbackChange(json);
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
