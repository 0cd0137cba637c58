#pragma once
// Per-key request quotas: each API key (or session) has a token bucket whose size its user's role
// decides (analysts and admins exempt by default). A request over its quota is answered 429 with
// Retry-After and the RateLimit headers; an admitted one carries the RateLimit headers too.
#include <string>
#include <utility>
#include <vector>

#include "accounts/types.hpp"
#include "common/error.hpp"
#include "http/server/message.hpp"
#include "ratelimit/limiter.hpp"

namespace faceloop::http {

/// An Error that brings response headers along (429's Retry-After and RateLimit headers).
class ErrorWithHeaders : public Error {
 public:
  ErrorWithHeaders(ErrorCode code, const std::string& message, std::vector<std::pair<std::string, std::string>> headers)
      : Error(code, message), headers_(std::move(headers)) {}
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

 private:
  std::vector<std::pair<std::string, std::string>> headers_;
};

struct RoleQuotas {
  ratelimit::Quota user;
  ratelimit::Quota analyst;
  ratelimit::Quota admin;
};

class KeyQuotas {
 public:
  KeyQuotas(ratelimit::IRateLimiter& limiter, RoleQuotas quotas) : limiter_(limiter), quotas_(std::move(quotas)) {}

  /// Takes `cost` requests from the principal's bucket. Throws ErrorWithHeaders(kTooManyRequests)
  /// when it has too few; returns the headers for the answer otherwise.
  std::vector<std::pair<std::string, std::string>> Charge(const accounts::Principal& who, double cost = 1);

 private:
  ratelimit::IRateLimiter& limiter_;
  const RoleQuotas quotas_;
};

/// Takes one token of `quota` for `key` (e.g. sign-ups per client address); throws the 429 when empty.
void ChargeOrRefuse(ratelimit::IRateLimiter& limiter, const ratelimit::Quota& quota, const std::string& key,
                    const std::string& refusal);

/// Adds `headers` to `response`.
void AddHeaders(Response& response, const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace faceloop::http
