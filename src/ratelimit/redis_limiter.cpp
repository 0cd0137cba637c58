#include "ratelimit/redis_limiter.hpp"

#include <hiredis/hiredis.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "common/error.hpp"
#include "telemetry/log.hpp"

namespace faceloop::ratelimit {
namespace {

const telemetry::Logger kLog("ratelimit");

// KEYS[1] the bucket; ARGV: tokens per millisecond, limit, cost. Returns {allowed, tokens}; tokens as
// a string because Redis truncates Lua numbers to integers.
constexpr const char* kTokenBucket = R"lua(
local rate = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or limit
local ts = tonumber(state[2]) or now
tokens = math.min(limit, tokens + math.max(0, now - ts) * rate)
local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((limit - tokens) / rate) + 1000)
return {allowed, tostring(tokens)}
)lua";

struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
};

Endpoint ParseUrl(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  if (url.rfind(kScheme, 0) != 0) throw Error(ErrorCode::kBadRequest, "redis_url must start with redis://");
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  Endpoint endpoint;
  if (const std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && std::from_chars(db.data(), db.data() + db.size(), endpoint.db).ec != std::errc()) {
      throw Error(ErrorCode::kBadRequest, "redis_url: the database must be a number");
    }
    rest = rest.substr(0, slash);
  }
  const std::size_t colon = rest.rfind(':');
  endpoint.host = std::string(rest.substr(0, colon));
  if (colon != std::string_view::npos) {
    const std::string_view port = rest.substr(colon + 1);
    if (std::from_chars(port.data(), port.data() + port.size(), endpoint.port).ec != std::errc()) {
      throw Error(ErrorCode::kBadRequest, "redis_url: the port must be a number");
    }
  }
  if (endpoint.host.empty()) throw Error(ErrorCode::kBadRequest, "redis_url needs a host");
  return endpoint;
}

struct ContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Context = std::unique_ptr<redisContext, ContextDeleter>;
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

class RedisLimiter final : public IRateLimiter {
 public:
  RedisLimiter(Endpoint endpoint, std::string prefix)
      : endpoint_(std::move(endpoint)), prefix_(std::move(prefix)), fallback_(MakeLocalLimiter()) {}

  Decision Take(const Quota& quota, std::string_view key, double cost) override {
    if (quota.limit <= 0) return Decision{true, 0, 0, 0};
    double tokens = 0;
    bool allowed = false;
    if (!Run(quota, key, cost, allowed, tokens)) return fallback_->Take(quota, key, cost);
    Decision decision;
    decision.allowed = allowed;
    decision.remaining = std::floor(tokens);
    decision.reset_s = (quota.limit - tokens) / quota.PerSecond();
    decision.retry_after_s = allowed ? 0 : (cost - tokens) / quota.PerSecond();
    return decision;
  }

 private:
  /// One round trip; false when Redis could not be asked (the caller falls back).
  bool Run(const Quota& quota, std::string_view key, double cost, bool& allowed, double& tokens) {
    const std::lock_guard lock(mutex_);
    if (!Connect()) return false;
    const std::string bucket = prefix_ + quota.name + ":" + std::string(key);
    const std::string rate = std::to_string(quota.PerSecond() / 1000.0);
    const std::string limit = std::to_string(quota.limit);
    const std::string amount = std::to_string(cost);
    Reply reply(
        static_cast<redisReply*>(redisCommand(context_.get(), "EVAL %s 1 %b %s %s %s", kTokenBucket, bucket.data(),
                                              bucket.size(), rate.c_str(), limit.c_str(), amount.c_str())));
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
      Disconnect(reply ? (reply->type == REDIS_REPLY_ERROR ? reply->str : "unexpected reply") : context_->errstr);
      return false;
    }
    allowed = reply->element[0]->integer == 1;
    const redisReply* left = reply->element[1];
    tokens = left->type == REDIS_REPLY_STRING ? std::strtod(left->str, nullptr) : 0;
    if (down_) {
      kLog.Info("redis reachable again: rate limits are shared", {{"host", endpoint_.host}});
      down_ = false;
    }
    return true;
  }

  bool Connect() {
    if (context_) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now < retry_at_) return false;  // do not pay a connect timeout on every request while it is down
    const timeval timeout{0, 200'000};
    Context context(redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, timeout));
    if (!context || (context->err != 0)) {
      Disconnect(context ? context->errstr : "cannot allocate a connection");
      return false;
    }
    redisSetTimeout(context.get(), timeout);
    if (endpoint_.db != 0) {
      Reply selected(static_cast<redisReply*>(redisCommand(context.get(), "SELECT %d", endpoint_.db)));
      if (!selected || selected->type == REDIS_REPLY_ERROR) {
        Disconnect("SELECT failed");
        return false;
      }
    }
    context_ = std::move(context);
    return true;
  }

  void Disconnect(const char* why) {
    context_.reset();
    retry_at_ = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    if (!down_) kLog.Warn("redis unreachable: rate limits are per process until it is back", {{"error", why}});
    down_ = true;
  }

  const Endpoint endpoint_;
  const std::string prefix_;
  std::unique_ptr<IRateLimiter> fallback_;
  std::mutex mutex_;
  Context context_;
  std::chrono::steady_clock::time_point retry_at_{};
  bool down_ = false;
};

}  // namespace

std::unique_ptr<IRateLimiter> MakeRedisLimiter(const std::string& url, std::string key_prefix) {
  return std::make_unique<RedisLimiter>(ParseUrl(url), std::move(key_prefix));
}

}  // namespace faceloop::ratelimit
