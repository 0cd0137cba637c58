#include "events/records.hpp"

#include "common/error.hpp"

namespace faceloop::events {

const std::string& RequestRecord::id() const { return doc.at("request_id").get_ref<const std::string&>(); }

std::string ToSpoolRecord(const RequestRecord& request) {
  return nlohmann::json{{"kind", "request"}, {"request", request.doc}}.dump();
}

std::string ToSpoolRecord(const Event& event) { return nlohmann::json{{"kind", "event"}, {"event", event}}.dump(); }

namespace {

/// The backends read these fields with fixed types; a record that disagrees is refused here, once,
/// instead of failing (and being retried by) every backend. Absent fields are fine.
void CheckRequestFields(const nlohmann::json& doc) {
  using Check = bool (nlohmann::json::*)() const noexcept;
  static const std::pair<const char*, Check> kFields[] = {
      {"request_id", &nlohmann::json::is_string},      {"received_at", &nlohmann::json::is_string},
      {"user_id", &nlohmann::json::is_string},         {"client_ip", &nlohmann::json::is_string},
      {"user_agent", &nlohmann::json::is_string},      {"model_name", &nlohmann::json::is_string},
      {"model_version", &nlohmann::json::is_string},   {"image_key", &nlohmann::json::is_string},
      {"error_type", &nlohmann::json::is_string},      {"status", &nlohmann::json::is_number_integer},
      {"face_count", &nlohmann::json::is_number},      {"image_bytes", &nlohmann::json::is_number},
      {"min_confidence", &nlohmann::json::is_number},  {"confidence_min", &nlohmann::json::is_number},
      {"confidence_mean", &nlohmann::json::is_number}, {"confidence_max", &nlohmann::json::is_number},
      {"decode_ms", &nlohmann::json::is_number},       {"inference_ms", &nlohmann::json::is_number},
      {"total_ms", &nlohmann::json::is_number},        {"tiling", &nlohmann::json::is_boolean},
      {"image", &nlohmann::json::is_object},           {"faces", &nlohmann::json::is_array},
  };
  for (const auto& [name, check] : kFields) {
    const auto it = doc.find(name);
    if (it != doc.end() && !it->is_null() && !((*it).*check)()) {
      throw Error(ErrorCode::kBadRequest, std::string("request record field ") + name + " has the wrong type");
    }
  }
  if (!doc.contains("request_id") || !doc.contains("received_at") || !doc.contains("user_id") ||
      !doc["request_id"].is_string() || !doc["received_at"].is_string() || !doc["user_id"].is_string()) {
    throw Error(ErrorCode::kBadRequest, "request record without request_id, received_at or user_id");
  }
  (void)ParseTimestamp(doc["received_at"].get_ref<const std::string&>());  // throws kBadRequest
}

}  // namespace

Record ParseSpoolRecord(std::string_view record) {
  const auto json = nlohmann::json::parse(record, nullptr, false);
  if (!json.is_object() || !json.contains("kind") || !json["kind"].is_string()) {
    throw Error(ErrorCode::kBadRequest, "spool record is not an object with a kind");
  }
  const std::string kind = json["kind"];
  try {
    if (kind == "request" && json.contains("request") && json["request"].is_object()) {
      CheckRequestFields(json["request"]);
      return RequestRecord{json["request"]};
    }
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

}  // namespace faceloop::events
