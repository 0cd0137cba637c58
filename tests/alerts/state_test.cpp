// The alert state machine as a unit: ok -> firing -> resolved -> firing, the minimum sample, the
// cool-down, and the comparators.
#include "alerts/state.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/time.hpp"

namespace faceloop::alerts {
namespace {

const Time kNow = ParseTimestamp("2026-11-02T10:30:00Z");

Rule Below(double threshold) {
  // Designated: assigning a short literal over comparator's default trips GCC 12's -Wrestrict.
  return Rule{.id = "r",
              .metric = "confidence_mean",
              .comparator = "<",
              .threshold = threshold,
              .min_sample = 10,
              .cooldown_minutes = 30};
}

Observation Seen(double value, std::int64_t sample = 100) { return {value, sample, {}}; }

TEST(AlertStateTest, FiresWhenTheComparisonHolds) {
  const Decision d = Decide(Below(0.6), {}, Seen(0.4), kNow);
  EXPECT_EQ(d.next, AlertState::kFiring);
  ASSERT_TRUE(d.transition.has_value());
  EXPECT_EQ(*d.transition, Transition::kFiring);
}

TEST(AlertStateTest, StaysOkWhenItDoesNot) {
  const Decision d = Decide(Below(0.6), {}, Seen(0.8), kNow);
  EXPECT_EQ(d.next, AlertState::kOk);
  EXPECT_FALSE(d.transition.has_value());
}

TEST(AlertStateTest, FiringStaysFiringWithoutANewTransition) {
  const Decision d = Decide(Below(0.6), {AlertState::kFiring, kNow - std::chrono::minutes(5)}, Seen(0.4), kNow);
  EXPECT_EQ(d.next, AlertState::kFiring);
  EXPECT_FALSE(d.transition.has_value());  // notified once, not every minute
}

TEST(AlertStateTest, ResolvesWhenTheComparisonStopsHolding) {
  const Decision d = Decide(Below(0.6), {AlertState::kFiring, kNow - std::chrono::minutes(5)}, Seen(0.9), kNow);
  EXPECT_EQ(d.next, AlertState::kResolved);
  ASSERT_TRUE(d.transition.has_value());
  EXPECT_EQ(*d.transition, Transition::kResolved);
}

TEST(AlertStateTest, TooSmallASampleDecidesNothing) {
  EXPECT_FALSE(Decide(Below(0.6), {}, Seen(0.1, 9), kNow).transition.has_value());
  EXPECT_FALSE(Decide(Below(0.6), {}, {std::nullopt, 1000, {}}, kNow).transition.has_value());
  // Nor does it resolve a firing rule: no data is not good news.
  const Decision d = Decide(Below(0.6), {AlertState::kFiring, kNow}, Seen(0.9, 3), kNow);
  EXPECT_EQ(d.next, AlertState::kFiring);
  EXPECT_FALSE(d.transition.has_value());
}

TEST(AlertStateTest, CoolDownHoldsBackARefiring) {
  const RuleStatus resolved{AlertState::kResolved, kNow - std::chrono::minutes(10)};
  const Decision held = Decide(Below(0.6), resolved, Seen(0.4), kNow);
  EXPECT_FALSE(held.transition.has_value());
  EXPECT_TRUE(held.suppressed);
  EXPECT_EQ(held.next, AlertState::kResolved);
  const Decision fired = Decide(Below(0.6), resolved, Seen(0.4), kNow + std::chrono::minutes(20));
  ASSERT_TRUE(fired.transition.has_value());
  EXPECT_EQ(*fired.transition, Transition::kFiring);
}

TEST(AlertStateTest, Comparators) {
  EXPECT_TRUE(Compare(1, "<", 2));
  EXPECT_FALSE(Compare(2, "<", 2));
  EXPECT_TRUE(Compare(2, "<=", 2));
  EXPECT_TRUE(Compare(3, ">", 2));
  EXPECT_FALSE(Compare(2, ">", 2));
  EXPECT_TRUE(Compare(2, ">=", 2));
  EXPECT_THROW(Compare(1, "==", 1), Error);
}

TEST(AlertStateTest, StateNamesRoundTrip) {
  for (const AlertState state : {AlertState::kOk, AlertState::kFiring, AlertState::kResolved}) {
    EXPECT_EQ(ParseState(StateName(state)), state);
  }
  EXPECT_THROW(ParseState("pending"), Error);
}

}  // namespace
}  // namespace faceloop::alerts
