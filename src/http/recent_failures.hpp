#pragma once
// The buckets (client addresses, key ids) that failed authentication in this process lately: the
// hint that lets AuthThrottle skip asking the limiter before a verification, which with Redis is a
// round trip per bucket on every authenticated request. Failures are always counted in the shared
// limiter; only the check before verifying is skipped for a bucket this process has not seen fail
// within `ttl`. So with N processes a client whose bucket another process emptied gets at most one
// verification per process and ttl before every process refuses it (docs/security.md, API2).
//
// Bounded: past `capacity` live entries (many addresses failing at once) the hint gives up for one
// ttl and answers "recent" for everything, which is the behaviour without the hint.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace faceloop::http {

class RecentFailures {
 public:
  using Clock = std::chrono::steady_clock;

  RecentFailures(Clock::duration ttl, std::size_t capacity) : ttl_(ttl), capacity_(capacity) {}

  /// `bucket` failed at `now`.
  void Mark(const std::string& bucket, Clock::time_point now = Clock::now());
  /// Whether `bucket` failed within ttl before `now` (or the hint is saturated).
  bool Recent(const std::string& bucket, Clock::time_point now = Clock::now()) const;

 private:
  void DropExpired(Clock::time_point now);  // needs mutex_

  const Clock::duration ttl_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Clock::time_point> expires_;
  Clock::time_point saturated_until_{};
};

}  // namespace faceloop::http
