#include "events/event.hpp"

#include <array>
#include <utility>

#include "common/error.hpp"

namespace faceloop::events {

namespace {

constexpr std::array<std::pair<EventType, std::string_view>, 9> kNames{{
    {EventType::kSignup, "signup"},
    {EventType::kLogin, "login"},
    {EventType::kLoginFailed, "login_failed"},
    {EventType::kKeyCreated, "key_created"},
    {EventType::kKeyRevoked, "key_revoked"},
    {EventType::kAccountDeleted, "account_deleted"},
    {EventType::kDetect, "detect"},
    {EventType::kFeedbackGiven, "feedback_given"},
    {EventType::kRoleChanged, "role_changed"},
}};

[[noreturn]] void BadEvent(const std::string& why) { throw Error(ErrorCode::kBadRequest, "invalid event: " + why); }

}  // namespace

std::string_view ToString(EventType type) {
  for (const auto& [value, name] : kNames) {
    if (value == type) return name;
  }
  return "unknown";
}

EventType ParseEventType(std::string_view name) {
  for (const auto& [value, known] : kNames) {
    if (known == name) return value;
  }
  BadEvent("unknown event type \"" + std::string(name) + "\"");
}

void to_json(nlohmann::json& json, const Event& event) {
  json = nlohmann::json{{"id", event.id},
                        {"type", ToString(event.type)},
                        {"user_id", event.user_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(event.user_id)},
                        {"occurred_at", FormatTimestamp(event.occurred_at)},
                        {"data", event.data}};
}

void from_json(const nlohmann::json& json, Event& event) {
  if (!json.is_object()) BadEvent("not a JSON object");
  try {
    event.id = json.at("id").get<std::string>();
    event.type = ParseEventType(json.at("type").get<std::string>());
    const auto& user = json.at("user_id");
    event.user_id = user.is_null() ? std::string() : user.get<std::string>();
    event.occurred_at = ParseTimestamp(json.at("occurred_at").get<std::string>());
    event.data = json.value("data", nlohmann::json::object());
  } catch (const nlohmann::json::exception& e) {
    BadEvent(e.what());
  }
  if (event.id.empty()) BadEvent("empty id");
}

std::string ToRecord(const Event& event) { return nlohmann::json(event).dump(); }

Event FromRecord(std::string_view record) {
  const auto json = nlohmann::json::parse(record, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) BadEvent("record is not JSON");
  return json.get<Event>();
}

}  // namespace faceloop::events
