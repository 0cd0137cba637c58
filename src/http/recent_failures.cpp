#include "http/recent_failures.hpp"

#include <iterator>

namespace faceloop::http {

void RecentFailures::Mark(const std::string& bucket, Clock::time_point now) {
  if (bucket.empty()) return;
  const std::lock_guard lock(mutex_);
  expires_[bucket] = now + ttl_;
  if (expires_.size() <= capacity_) return;
  DropExpired(now);
  if (expires_.size() <= capacity_) return;
  expires_.clear();
  saturated_until_ = now + ttl_;
}

bool RecentFailures::Recent(const std::string& bucket, Clock::time_point now) const {
  const std::lock_guard lock(mutex_);
  if (now < saturated_until_) return true;
  const auto it = expires_.find(bucket);
  return it != expires_.end() && now < it->second;
}

void RecentFailures::DropExpired(Clock::time_point now) {
  for (auto it = expires_.begin(); it != expires_.end();) {
    it = now < it->second ? std::next(it) : expires_.erase(it);
  }
}

}  // namespace faceloop::http
