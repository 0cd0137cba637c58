#pragma once
// Failed-authentication throttling (docs/security.md, API2). Two token buckets over the shared rate
// limiter (per process, or across processes through Redis): one per client address, one per API key
// id. Each failed verification takes a token from both; an attempt is refused with 429, Retry-After
// and problem+json while either is empty, *before* its secret is hashed or looked up. A success takes
// nothing, so a client that knows its key is never slowed down by it.
//
// The per-key bucket is shared by every client: whoever knows a key id (it is the public start of the
// key, "fl_<id>") can keep that key refused, but only while it keeps failing, and at most one window
// after it stops; the per-client bucket bounds how fast one address can do that. Session tokens
// carry no id, so they are throttled per client only (256 random bits leave nothing to guess).
//
// The check before verification asks the limiter only for buckets that failed in this process
// within their window (RecentFailures): with Redis that saves two round trips on every request of a
// client that never failed, at the price of one verification per process before a bucket emptied
// elsewhere is refused here too. Failures are always counted in the shared limiter.
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "accounts/auth_throttle.hpp"
#include "http/recent_failures.hpp"
#include "ratelimit/limiter.hpp"
#include "telemetry/metrics.hpp"

namespace faceloop::http {

/// Buckets remembered as recently failed before the hint gives up (and every attempt is checked).
inline constexpr std::size_t kRecentFailuresCapacity = 65536;

struct AuthThrottleQuotas {
  ratelimit::Quota per_client{"auth_client", 10, std::chrono::seconds(60)};  ///< failures per client address
  ratelimit::Quota per_key{"auth_key", 5, std::chrono::seconds(60)};         ///< failures per key id
};

class AuthThrottle final : public accounts::IAuthThrottle {
 public:
  /// `refused` counts the attempts answered 429 (may be null).
  AuthThrottle(ratelimit::IRateLimiter& limiter, AuthThrottleQuotas quotas, telemetry::Counter* refused = nullptr)
      : limiter_(limiter),
        quotas_(std::move(quotas)),
        refused_(refused),
        recent_(std::max(quotas_.per_client.window, quotas_.per_key.window), kRecentFailuresCapacity) {}

  void BeforeVerify(const accounts::Credentials& credentials) override;
  void Failed(const accounts::Credentials& credentials) override;

 private:
  void Refuse(const ratelimit::Quota& quota, const ratelimit::Decision& decision, const char* whose);

  ratelimit::IRateLimiter& limiter_;
  const AuthThrottleQuotas quotas_;
  telemetry::Counter* refused_;
  RecentFailures recent_;
};

/// The bucket of a client address: an IPv4 address whole, an IPv6 address by its /64 (what one
/// host usually holds); anything else as given.
std::string ClientBucket(std::string_view address);
/// The key id of an API key in the "fl_<id>_<secret>" shape; "" for anything else.
std::string KeyIdOf(std::string_view secret);

}  // namespace faceloop::http
