#include "events/records.hpp"

#include "common/error.hpp"

namespace faceloop::events {

const std::string& RequestRecord::id() const { return doc.at("request_id").get_ref<const std::string&>(); }

std::string ToSpoolRecord(const RequestRecord& request) {
  return nlohmann::json{{"kind", "request"}, {"request", request.doc}}.dump();
}

std::string ToSpoolRecord(const Event& event) { return nlohmann::json{{"kind", "event"}, {"event", event}}.dump(); }

Record ParseSpoolRecord(std::string_view record) {
  const auto json = nlohmann::json::parse(record, nullptr, false);
  if (!json.is_object() || !json.contains("kind")) throw Error(ErrorCode::kBadRequest, "spool record is not an object");
  const std::string kind = json.value("kind", "");
  if (kind == "request" && json.contains("request") && json["request"].is_object()) {
    RequestRecord request{json["request"]};
    if (!request.doc.contains("request_id") || !request.doc["request_id"].is_string())
      throw Error(ErrorCode::kBadRequest, "request record without request_id");
    return request;
  }
  if (kind == "event" && json.contains("event")) return json["event"].get<Event>();
  throw Error(ErrorCode::kBadRequest, "spool record of unknown kind '" + kind + "'");
}

}  // namespace faceloop::events
