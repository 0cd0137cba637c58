#include "http/rate_limit.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace faceloop::http {

void RateLimiter::Acquire(const std::string& key, Clock::time_point now) {
  const std::lock_guard lock(mutex_);
  // Full buckets carry no information; dropping them bounds memory under many client IPs.
  if (buckets_.size() > 100'000) {
    std::erase_if(buckets_, [&](const auto& entry) {
      const std::chrono::duration<double> idle = now - entry.second.updated;
      return entry.second.tokens + idle.count() * per_second_ >= burst_;
    });
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& bucket = it->second;
  const std::chrono::duration<double> elapsed = now - bucket.updated;
  bucket.tokens = std::min(burst_, bucket.tokens + elapsed.count() * per_second_);
  bucket.updated = now;
  if (bucket.tokens < 1.0) throw Error(ErrorCode::kTooManyRequests, "too many sign-ups from this address; retry later");
  bucket.tokens -= 1.0;
}

}  // namespace faceloop::http
