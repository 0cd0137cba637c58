#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <unordered_map>

#include "ratelimit/limiter.hpp"

namespace faceloop::ratelimit {
namespace {

using Clock = std::chrono::steady_clock;

class LocalLimiter final : public IRateLimiter {
 public:
  Decision Take(const Quota& quota, std::string_view key, double cost) override {
    if (quota.limit <= 0) return Decision{true, 0, 0, 0};
    const auto now = Clock::now();
    const std::lock_guard lock(mutex_);
    if (buckets_.size() > kMaxBuckets) Forget(quota, now);
    auto [it, inserted] = buckets_.try_emplace(quota.name + '\n' + std::string(key), Bucket{quota.limit, now});
    Bucket& bucket = it->second;
    const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.updated = now;
    return Refill(bucket.tokens, elapsed, quota, cost);
  }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  // Full buckets carry no information; dropping them bounds memory under many keys.
  static constexpr std::size_t kMaxBuckets = 100'000;
  void Forget(const Quota& quota, Clock::time_point now) {
    std::erase_if(buckets_, [&](const auto& entry) {
      const double idle = std::chrono::duration<double>(now - entry.second.updated).count();
      return entry.second.tokens + idle * quota.PerSecond() >= quota.limit;
    });
  }

  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace

Decision Refill(double& tokens, double elapsed_s, const Quota& quota, double cost) {
  const double rate = quota.PerSecond();
  tokens = std::min(quota.limit, tokens + std::max(0.0, elapsed_s) * rate);
  Decision decision;
  decision.allowed = tokens >= cost;
  if (decision.allowed) tokens -= cost;
  decision.remaining = std::floor(tokens);
  decision.reset_s = (quota.limit - tokens) / rate;
  decision.retry_after_s = decision.allowed ? 0 : (cost - tokens) / rate;
  return decision;
}

std::unique_ptr<IRateLimiter> MakeLocalLimiter() { return std::make_unique<LocalLimiter>(); }

std::vector<std::pair<std::string, std::string>> RateLimitHeaders(const Quota& quota, const Decision& decision) {
  auto whole = [](double seconds) { return std::to_string(static_cast<long long>(std::ceil(seconds))); };
  std::vector<std::pair<std::string, std::string>> headers = {
      {"RateLimit-Policy",
       "\"" + quota.name + "\";q=" + whole(quota.limit) + ";w=" + whole(static_cast<double>(quota.window.count()))},
      {"RateLimit", "\"" + quota.name + "\";r=" + whole(decision.remaining) + ";t=" + whole(decision.reset_s)},
  };
  if (!decision.allowed) headers.emplace_back("Retry-After", whole(std::max(1.0, decision.retry_after_s)));
  return headers;
}

}  // namespace faceloop::ratelimit
