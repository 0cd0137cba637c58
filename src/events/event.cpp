#include "events/event.hpp"

#include <array>
#include <cstdio>
#include <ctime>
#include <utility>

#include "common/error.hpp"

namespace faceloop::events {

namespace {

constexpr std::array<std::pair<EventType, std::string_view>, 7> kNames{{
    {EventType::kSignup, "signup"},
    {EventType::kLogin, "login"},
    {EventType::kLoginFailed, "login_failed"},
    {EventType::kKeyCreated, "key_created"},
    {EventType::kKeyRevoked, "key_revoked"},
    {EventType::kAccountDeleted, "account_deleted"},
    {EventType::kDetect, "detect"},
}};

[[noreturn]] void BadEvent(const std::string& why) { throw Error(ErrorCode::kBadRequest, "invalid event: " + why); }

int ParseDigits(std::string_view text, std::size_t pos, std::size_t count) {
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') BadEvent("timestamp must be YYYY-MM-DDTHH:MM:SS[.fff]Z");
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

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

std::string FormatTimestamp(std::chrono::system_clock::time_point time) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(time);
  const std::time_t seconds = std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(ms));
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[96];  // room for any int gcc can imagine, so -Wformat-truncation stays quiet
  static_cast<void>(std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                                  static_cast<int>((ms - std::chrono::floor<std::chrono::seconds>(ms)).count())));
  return text;
}

std::chrono::system_clock::time_point ParseTimestamp(std::string_view text) {
  using namespace std::chrono;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text.back() != 'Z') {
    BadEvent("timestamp must be YYYY-MM-DDTHH:MM:SS[.fff]Z");
  }
  const year_month_day date{year{ParseDigits(text, 0, 4)}, month{static_cast<unsigned>(ParseDigits(text, 5, 2))},
                            day{static_cast<unsigned>(ParseDigits(text, 8, 2))}};
  const int hours = ParseDigits(text, 11, 2);
  const int minutes = ParseDigits(text, 14, 2);
  const int secs = ParseDigits(text, 17, 2);
  // system_clock counts nanoseconds in 64 bits: about 1678 to 2262. Found by record_fuzzer.
  if (!date.ok() || date.year() < year{1970} || date.year() > year{2200} || hours > 23 || minutes > 59 || secs > 60) {
    BadEvent("timestamp out of range");
  }
  nanoseconds fraction{0};
  const std::string_view rest = text.substr(19, text.size() - 20);
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2 || rest.size() > 10) BadEvent("timestamp fraction must be 1 to 9 digits");
    const std::size_t digits = rest.size() - 1;
    long long value = ParseDigits(rest, 1, digits);
    for (std::size_t i = digits; i < 9; ++i) value *= 10;
    fraction = nanoseconds{value};
  }
  const auto time = sys_days{date} + hours * 1h + minutes * 1min + secs * 1s + fraction;
  return time_point_cast<system_clock::duration>(time);
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
