// The one timestamp format (common/time.hpp): what the database, the API and the spool's records
// hold, so its exact text must not change.
#include "common/time.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "support/error_code.hpp"

namespace faceloop {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using faceloop::testing::CodeOf;

TEST(FormatTimestampTest, FixedWidthUtcWithTruncatedMilliseconds) {
  EXPECT_EQ(FormatTimestamp(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(system_clock::time_point{1700000000123ms}), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatTimestamp(sys_days{2024y / February / 29} + 23h + 59min + 59s + 999999us),
            "2024-02-29T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(system_clock::time_point{1999us}), "1970-01-01T00:00:00.001Z");
  // Before 1970 truncation goes towards the past too, not towards zero.
  EXPECT_EQ(FormatTimestamp(system_clock::time_point{-1ms}), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(system_clock::time_point{-1us}), "1969-12-31T23:59:59.999Z");
}

TEST(FormatTimestampTest, SortsAsTextLikeTheTimes) {
  const auto a = FormatTimestamp(sys_days{1999y / December / 31} + 23h);
  const auto b = FormatTimestamp(sys_days{2000y / January / 1} + 1ms);
  const auto c = FormatTimestamp(sys_days{2000y / January / 1} + 10ms);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(a.size(), c.size());
}

TEST(ParseTimestampTest, ReadsWhatFormatWritesAndOtherFractions) {
  const auto time = sys_days{2024y / May / 1} + 12h + 34min + 56s + 789ms;
  EXPECT_EQ(ParseTimestamp(FormatTimestamp(time)), time);
  EXPECT_EQ(ParseTimestamp("2024-02-29T23:59:59Z"), sys_days{2024y / February / 29} + 23h + 59min + 59s);
  EXPECT_EQ(ParseTimestamp("2024-02-29T00:00:00.5Z"), sys_days{2024y / February / 29} + 500ms);
  EXPECT_EQ(ParseTimestamp("2024-02-29T00:00:00.123456789Z"),
            time_point_cast<system_clock::duration>(sys_days{2024y / February / 29} + 123456789ns));
  EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:00Z"), system_clock::time_point{});
  EXPECT_EQ(ParseTimestamp("2200-12-31T23:59:60Z"), sys_days{2201y / January / 1} + 0s);  // a leap second
}

TEST(ParseTimestampTest, RefusesOtherLayoutsAndTimesOutsideTheRange) {
  for (const char* bad :
       {"", "2024-02-30T00:00:00Z", "2024-02-29 00:00:00Z", "2024-02-29T00:00:00", "2024-02-29T24:00:00Z",
        "2024-02-29T00:60:00Z", "2024-02-29T00:00:00.Z", "2024-02-29T00:00:00.1234567890Z", "2024-2-29T00:00:00Z",
        "2024-02-29T00:00:00+01:00", "2024-02-29T0a:00:00Z", "1969-12-31T23:59:59Z", "1013-11-28T10:00:00.000Z",
        "2201-01-01T00:00:00Z", "9999-01-01T00:00:00Z", "2024-13-01T00:00:00Z"}) {
    EXPECT_EQ(CodeOf([&] { ParseTimestamp(bad); }), ErrorCode::kBadRequest) << bad;
  }
}

}  // namespace
}  // namespace faceloop
