#pragma once
// The login_failed events of POST /v1/sessions. Anyone can make a log-in fail, so what an anonymous
// caller can make the service store is capped: at most one event per client address per key id per
// minute (over the shared rate limiter); the rest are only counted
// (faceloop_login_failed_events_dropped_total). The client address is recorded off, truncated
// (IPv4 /24, IPv6 /48) or in full, as privacy.login_failed_client_ip says.
#include <string>
#include <string_view>

#include "accounts/credentials.hpp"
#include "events/event_log.hpp"
#include "ratelimit/limiter.hpp"
#include "telemetry/metrics.hpp"

namespace faceloop::http {

enum class AddressRecording { kOff, kTruncated, kFull };

/// "off" | "truncated" | "full"; Error(kBadRequest) otherwise.
AddressRecording ParseAddressRecording(std::string_view text);

class FailedLogins {
 public:
  FailedLogins(events::EventLog& events, ratelimit::IRateLimiter& limiter, AddressRecording recording,
               telemetry::Counter& dropped)
      : events_(events), limiter_(limiter), recording_(recording), dropped_(dropped) {}

  /// Logs the failed log-in with `credentials`, unless this client already had one for this key id
  /// within the minute.
  void Record(const accounts::Credentials& credentials);

 private:
  events::EventLog& events_;
  ratelimit::IRateLimiter& limiter_;
  const AddressRecording recording_;
  telemetry::Counter& dropped_;
};

}  // namespace faceloop::http
