#pragma once
// The seam through which authentication is throttled: a guessing client must be stopped before its
// guess is checked, so that a throttled attempt costs no hashing and tells nothing. The accounts
// library only calls it; the HTTP layer implements it over the rate limiter (http/auth_throttle.hpp).
#include "accounts/credentials.hpp"

namespace faceloop::accounts {

class IAuthThrottle {
 public:
  virtual ~IAuthThrottle() = default;
  /// Throws (429 with Retry-After) when `credentials` may not be tried now; before any verification.
  virtual void BeforeVerify(const Credentials& credentials) = 0;
  /// Counts a failed verification (kUnauthenticated) of `credentials`.
  virtual void Failed(const Credentials& credentials) = 0;
};

}  // namespace faceloop::accounts
