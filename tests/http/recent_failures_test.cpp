// The per-process hint of recently failed buckets: entries live for ttl, and past its capacity the
// hint saturates (everything counts as recent for one ttl) instead of growing.
#include "http/recent_failures.hpp"

#include <string>

#include <gtest/gtest.h>

namespace faceloop::http {
namespace {

using namespace std::chrono_literals;
using Clock = RecentFailures::Clock;

TEST(RecentFailuresTest, AFailureIsRecentForItsTtl) {
  RecentFailures recent(60s, 16);
  const Clock::time_point t0 = Clock::now();
  EXPECT_FALSE(recent.Recent("198.51.100.7", t0));
  recent.Mark("198.51.100.7", t0);
  EXPECT_TRUE(recent.Recent("198.51.100.7", t0 + 59s));
  EXPECT_FALSE(recent.Recent("198.51.100.7", t0 + 60s));
  EXPECT_FALSE(recent.Recent("198.51.100.8", t0));
  // A later failure extends it.
  recent.Mark("198.51.100.7", t0 + 30s);
  EXPECT_TRUE(recent.Recent("198.51.100.7", t0 + 89s));
}

TEST(RecentFailuresTest, EmptyBucketsAreNeverRemembered) {
  RecentFailures recent(60s, 16);
  recent.Mark("");
  EXPECT_FALSE(recent.Recent(""));
}

TEST(RecentFailuresTest, ExpiredEntriesMakeRoomBeforeTheHintSaturates) {
  RecentFailures recent(10s, 4);
  const Clock::time_point t0 = Clock::now();
  for (int i = 0; i < 4; ++i) recent.Mark("old-" + std::to_string(i), t0);
  recent.Mark("new", t0 + 11s);  // five entries, four expired: room again
  EXPECT_TRUE(recent.Recent("new", t0 + 11s));
  EXPECT_FALSE(recent.Recent("never-failed", t0 + 11s));
}

TEST(RecentFailuresTest, PastCapacityEverythingIsRecentForOneTtl) {
  RecentFailures recent(10s, 4);
  const Clock::time_point t0 = Clock::now();
  for (int i = 0; i < 5; ++i) recent.Mark("client-" + std::to_string(i), t0);
  EXPECT_TRUE(recent.Recent("never-failed", t0 + 9s));
  EXPECT_FALSE(recent.Recent("never-failed", t0 + 10s));
}

}  // namespace
}  // namespace faceloop::http
