#pragma once
// Token buckets per key (client IP), for sign-ups.
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace faceloop::http {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  /// Each key may spend `burst` tokens at once; tokens refill at `per_minute` per minute.
  RateLimiter(double per_minute, double burst) : per_second_(per_minute / 60.0), burst_(burst) {}

  /// Takes a token for `key`; throws Error(kTooManyRequests) when the bucket is empty.
  void Acquire(const std::string& key, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };

  const double per_second_;
  const double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace faceloop::http
