#include "events/event.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace faceloop::events {
namespace {

using namespace std::chrono;

TEST(EventTest, RoundTripsThroughJson) {
  Event event;
  event.id = "ev-1";
  event.type = EventType::kKeyCreated;
  event.user_id = "u-42";
  event.occurred_at = sys_days{2024y / May / 1} + 12h + 34min + 56s + 789ms;
  event.data = {{"key_prefix", "fl_ab"}, {"scopes", {"detect"}}};
  const nlohmann::json json = event;
  EXPECT_EQ(json.at("type"), "key_created");
  EXPECT_EQ(json.at("occurred_at"), "2024-05-01T12:34:56.789Z");
  const Event back = FromRecord(ToRecord(event));
  EXPECT_EQ(back.id, event.id);
  EXPECT_EQ(back.type, event.type);
  EXPECT_EQ(back.user_id, event.user_id);
  EXPECT_EQ(back.occurred_at, event.occurred_at);
  EXPECT_EQ(back.data, event.data);
}

TEST(EventTest, EveryTypeHasAStableName) {
  const std::vector<std::pair<EventType, std::string>> names = {{EventType::kSignup, "signup"},
                                                                {EventType::kLogin, "login"},
                                                                {EventType::kLoginFailed, "login_failed"},
                                                                {EventType::kKeyCreated, "key_created"},
                                                                {EventType::kKeyRevoked, "key_revoked"},
                                                                {EventType::kAccountDeleted, "account_deleted"},
                                                                {EventType::kDetect, "detect"},
                                                                {EventType::kFeedbackGiven, "feedback_given"},
                                                                {EventType::kRoleChanged, "role_changed"}};
  for (const auto& [type, name] : names) {
    EXPECT_EQ(ToString(type), name);
    EXPECT_EQ(ParseEventType(name), type);
  }
  EXPECT_THROW(ParseEventType("logout"), Error);
}

TEST(EventTest, AnonymousUserIsNull) {
  Event event{"ev-2", EventType::kLoginFailed, "", system_clock::time_point{}, {{"email_domain", "example.com"}}};
  const nlohmann::json json = event;
  EXPECT_TRUE(json.at("user_id").is_null());
  EXPECT_EQ(json.at("occurred_at"), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(json.get<Event>().user_id, "");
}

TEST(EventTest, TimestampsParseFractionsAndTruncateToMilliseconds) {
  EXPECT_EQ(ParseTimestamp("2024-02-29T23:59:59Z"), sys_days{2024y / February / 29} + 23h + 59min + 59s);
  EXPECT_EQ(ParseTimestamp("2024-02-29T00:00:00.5Z"), sys_days{2024y / February / 29} + 500ms);
  EXPECT_EQ(ParseTimestamp("2024-02-29T00:00:00.123456789Z"),
            time_point_cast<system_clock::duration>(sys_days{2024y / February / 29} + 123456789ns));
  EXPECT_EQ(FormatTimestamp(sys_days{2024y / February / 29} + 1999us), "2024-02-29T00:00:00.001Z");
  for (const char* bad :
       {"", "2024-02-30T00:00:00Z", "2024-02-29 00:00:00Z", "2024-02-29T00:00:00", "2024-02-29T24:00:00Z",
        "2024-02-29T00:00:00.Z", "2024-02-29T00:00:00.1234567890Z", "2024-2-29T00:00:00Z", "1013-11-28T10:00:00.000Z",
        "9999-01-01T00:00:00Z"}) {  // outside what system_clock holds
    EXPECT_THROW(ParseTimestamp(bad), Error) << bad;
  }
}

TEST(EventTest, MalformedRecordsAreBadRequests) {
  for (const char* record : {"not json", "[]", R"({"type":"login"})",
                             R"({"id":"a","type":"nope","user_id":null,"occurred_at":"2024-01-01T00:00:00Z"})",
                             R"({"id":"a","type":"login","user_id":7,"occurred_at":"2024-01-01T00:00:00Z"})",
                             R"({"id":"","type":"login","user_id":null,"occurred_at":"2024-01-01T00:00:00Z"})"}) {
    try {
      FromRecord(record);
      ADD_FAILURE() << "accepted " << record;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kBadRequest) << record;
    }
  }
  const Event minimal = FromRecord(R"({"id":"a","type":"login","user_id":"u","occurred_at":"2024-01-01T00:00:00Z"})");
  EXPECT_TRUE(minimal.data.is_object());
  EXPECT_TRUE(minimal.data.empty());
}

}  // namespace
}  // namespace faceloop::events
