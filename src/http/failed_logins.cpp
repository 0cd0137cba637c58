#include "http/failed_logins.hpp"

#include <chrono>

#include "common/error.hpp"
#include "http/auth_throttle.hpp"
#include "http/client_ip.hpp"

namespace faceloop::http {
namespace {

const ratelimit::Quota kOnePerMinute{"login_failed_event", 1, std::chrono::seconds(60)};

}  // namespace

AddressRecording ParseAddressRecording(std::string_view text) {
  if (text == "off") return AddressRecording::kOff;
  if (text == "truncated") return AddressRecording::kTruncated;
  if (text == "full") return AddressRecording::kFull;
  throw Error(ErrorCode::kBadRequest, "client address recording must be off, truncated or full");
}

void FailedLogins::Record(const accounts::Credentials& credentials) {
  const std::string key_id = KeyIdOf(credentials.secret);
  if (!limiter_.Take(kOnePerMinute, ClientBucket(credentials.client) + "\n" + key_id).allowed) {
    dropped_.Add();
    return;
  }
  nlohmann::json data = nlohmann::json::object();
  // Only a well-formed id: whatever else a caller sends is not stored.
  if (!key_id.empty()) data["key_id"] = key_id;
  if (recording_ == AddressRecording::kFull) data["client_ip"] = credentials.client;
  if (recording_ == AddressRecording::kTruncated) data["client_ip"] = TruncateIp(credentials.client);
  events_.Log(events::EventType::kLoginFailed, "", data);
}

}  // namespace faceloop::http
