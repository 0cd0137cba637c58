// Token buckets: the shared arithmetic, the per-process limiter, the headers, and the Redis limiter
// against a real Redis (two limiters = two `serve` processes sharing one budget exactly).
#include "ratelimit/limiter.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "ratelimit/redis_limiter.hpp"
#include "support/servers.hpp"

namespace faceloop::ratelimit {
namespace {

const Quota kTenPerMinute{"detect", 10, std::chrono::seconds(60)};

TEST(RefillTest, SpendsRefillsAndTellsWhenToComeBack) {
  double tokens = 1;
  Decision d = Refill(tokens, 0, kTenPerMinute, 1);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_NEAR(d.reset_s, 60, 1e-9);         // ten tokens to regain at one per 6 s
  d = Refill(tokens, 3, kTenPerMinute, 1);  // half a token back
  EXPECT_FALSE(d.allowed);
  EXPECT_NEAR(d.retry_after_s, 3, 1e-9);
  d = Refill(tokens, 3, kTenPerMinute, 1);
  EXPECT_TRUE(d.allowed);
  d = Refill(tokens, 1e6, kTenPerMinute, 1);  // never more than the limit
  EXPECT_EQ(d.remaining, 9);
}

TEST(LocalLimiterTest, BurstUpToTheLimitThenRefusedPerKey) {
  auto limiter = MakeLocalLimiter();
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter->Take(kTenPerMinute, "k1").allowed) << i;
  const Decision refused = limiter->Take(kTenPerMinute, "k1");
  EXPECT_FALSE(refused.allowed);
  EXPECT_GT(refused.retry_after_s, 5);
  EXPECT_LE(refused.retry_after_s, 6);
  EXPECT_TRUE(limiter->Take(kTenPerMinute, "k2").allowed);       // another key, another bucket
  EXPECT_TRUE(limiter->Take(Quota{"detect", 0}, "k1").allowed);  // 0 = unlimited
}

TEST(HeadersTest, PolicyRemainingResetAndRetryAfter) {
  Decision decision{false, 0, 12.2, 5.1};
  const auto headers = RateLimitHeaders(kTenPerMinute, decision);
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers[0], std::make_pair(std::string("RateLimit-Policy"), std::string("\"detect\";q=10;w=60")));
  EXPECT_EQ(headers[1], std::make_pair(std::string("RateLimit"), std::string("\"detect\";r=0;t=13")));
  EXPECT_EQ(headers[2], std::make_pair(std::string("Retry-After"), std::string("6")));
}

std::string UniqueKey() {
  return "test-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

TEST(RedisLimiterTest, TwoProcessesShareOneBudgetExactly) {
  FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_REDIS_URL");
  const std::string url = *faceloop::testing::ServerEnv("FACELOOP_TEST_REDIS_URL");
  auto a = MakeRedisLimiter(url);
  auto b = MakeRedisLimiter(url);
  const std::string key = UniqueKey();
  // Alternating between the two: exactly ten pass whoever asks, and the others see it at once.
  int allowed = 0;
  for (int i = 0; i < 20; ++i) allowed += (i % 2 == 0 ? a : b)->Take(kTenPerMinute, key).allowed ? 1 : 0;
  EXPECT_EQ(allowed, 10);
  const Decision refused = a->Take(kTenPerMinute, key);
  EXPECT_FALSE(refused.allowed);
  EXPECT_GT(refused.retry_after_s, 0);
}

TEST(RedisLimiterTest, UnreachableRedisFallsBackToLocalBuckets) {
  auto limiter = MakeRedisLimiter("redis://127.0.0.1:1");  // refuses connections
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter->Take(kTenPerMinute, "k").allowed);
  EXPECT_FALSE(limiter->Take(kTenPerMinute, "k").allowed);
}

TEST(RedisLimiterTest, BadUrlsAreRefused) {
  EXPECT_ANY_THROW(MakeRedisLimiter("http://x:1"));
  EXPECT_ANY_THROW(MakeRedisLimiter("redis://host:port"));
  EXPECT_ANY_THROW(MakeRedisLimiter("redis://:6379"));
}

}  // namespace
}  // namespace faceloop::ratelimit
