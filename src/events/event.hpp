#pragma once
// User-behaviour events (sign-ups, logins, key changes, detections). They are spooled as JSON records
// (events/spool.hpp) and shipped to the analytics backends.
#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/time.hpp"

namespace faceloop::events {

enum class EventType {
  kSignup,
  kLogin,
  kLoginFailed,
  kKeyCreated,
  kKeyRevoked,
  kAccountDeleted,
  kDetect,
  kFeedbackGiven,
  kRoleChanged,
};

/// The wire name: "signup", "login", "login_failed", "key_created", "key_revoked", "account_deleted", "detect",
/// "feedback_given", "role_changed".
std::string_view ToString(EventType type);
/// The inverse of ToString; throws Error(kBadRequest) for an unknown name.
EventType ParseEventType(std::string_view name);

struct Event {
  std::string id;  ///< unique per event (the producer's choice, e.g. a UUID or the request id)
  EventType type = EventType::kDetect;
  std::string user_id;  ///< empty when there is no known user (e.g. login_failed for an unknown email)
  std::chrono::system_clock::time_point occurred_at;
  nlohmann::json data = nlohmann::json::object();  ///< type-specific details
};

/// {"id", "type", "user_id" (null when empty), "occurred_at" (RFC 3339 UTC, milliseconds), "data"}.
void to_json(nlohmann::json& json, const Event& event);
/// The inverse of to_json; throws Error(kBadRequest) on a missing or malformed field.
void from_json(const nlohmann::json& json, Event& event);

// The timestamps of events and spool records (common/time.hpp), named here for events code.
using faceloop::FormatTimestamp;
using faceloop::ParseTimestamp;

/// The spool record of an event (compact JSON) and back.
std::string ToRecord(const Event& event);
Event FromRecord(std::string_view record);

}  // namespace faceloop::events
