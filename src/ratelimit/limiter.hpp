#pragma once
// Token-bucket rate limits: a quota grants `limit` requests per `window`, refilled continuously, with
// bursts up to `limit`. One interface, two implementations: per process (the embedded default) and
// exact across several `serve` processes through Redis (src/ratelimit/redis_limiter.hpp).
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faceloop::ratelimit {

struct Quota {
  std::string name;  ///< in the RateLimit headers and the Redis key: "detect", "signup"
  double limit = 0;  ///< requests per window, and the largest burst; 0 = unlimited
  std::chrono::seconds window{60};
  double PerSecond() const { return limit / static_cast<double>(window.count()); }
};

struct Decision {
  bool allowed = true;
  double remaining = 0;      ///< whole tokens left after this request
  double reset_s = 0;        ///< until the bucket is full again
  double retry_after_s = 0;  ///< when refused: until enough tokens are back
};

class IRateLimiter {
 public:
  virtual ~IRateLimiter() = default;
  /// Takes `cost` tokens from the bucket of (`quota`, `key`) if it has them. Never throws: a limiter
  /// that cannot decide (its server is down) allows.
  virtual Decision Take(const Quota& quota, std::string_view key, double cost = 1) = 0;
};

/// Buckets in this process's memory (bounded: full buckets are forgotten).
std::unique_ptr<IRateLimiter> MakeLocalLimiter();

/// RFC-draft `RateLimit-Policy` and `RateLimit` headers (draft-ietf-httpapi-ratelimit-headers),
/// plus `Retry-After` when refused.
std::vector<std::pair<std::string, std::string>> RateLimitHeaders(const Quota& quota, const Decision& decision);

/// The bucket arithmetic both implementations share: `tokens` as of `elapsed_s` ago becomes the
/// state now, minus `cost` if affordable.
Decision Refill(double& tokens, double elapsed_s, const Quota& quota, double cost);

}  // namespace faceloop::ratelimit
