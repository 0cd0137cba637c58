// Buckets in UTC (ISO weeks from Monday, calendar months) and the checks of a query's parameters.
#include "insights/bucket.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/time.hpp"
#include "insights/query.hpp"
#include "support/error_code.hpp"

namespace faceloop::insights {
namespace {

using faceloop::testing::CodeOf;

Time T(const char* text) { return ParseTimestamp(text); }
std::string S(Time time) { return FormatTimestamp(time); }

TEST(BucketTest, StartsAndKeys) {
  const Time t = T("2026-11-04T13:45:12.345Z");  // a Wednesday
  EXPECT_EQ(S(BucketStart(Bucket::kHour, t)), "2026-11-04T13:00:00.000Z");
  EXPECT_EQ(S(BucketStart(Bucket::kDay, t)), "2026-11-04T00:00:00.000Z");
  EXPECT_EQ(S(BucketStart(Bucket::kWeek, t)), "2026-11-02T00:00:00.000Z");  // Monday
  EXPECT_EQ(S(BucketStart(Bucket::kMonth, t)), "2026-11-01T00:00:00.000Z");
  EXPECT_EQ(BucketKey(Bucket::kHour, t), "2026-11-04T13");
  EXPECT_EQ(BucketKey(Bucket::kDay, t), "2026-11-04");
  EXPECT_EQ(BucketKey(Bucket::kWeek, t), "2026-11-02");
  EXPECT_EQ(BucketKey(Bucket::kMonth, t), "2026-11");
}

TEST(BucketTest, WeekBoundaries) {
  // Sunday late belongs to the week that began six days before; Monday midnight starts a new one.
  EXPECT_EQ(BucketKey(Bucket::kWeek, T("2026-11-08T23:59:59.999Z")), "2026-11-02");
  EXPECT_EQ(BucketKey(Bucket::kWeek, T("2026-11-09T00:00:00Z")), "2026-11-09");
  // Across a year: 2027-01-01 is a Friday; its ISO week began on 2026-12-28.
  EXPECT_EQ(BucketKey(Bucket::kWeek, T("2027-01-01T05:00:00Z")), "2026-12-28");
}

TEST(BucketTest, NextBucketHandlesMonthAndYearEnds) {
  EXPECT_EQ(S(NextBucket(Bucket::kMonth, T("2026-01-01T00:00:00Z"))), "2026-02-01T00:00:00.000Z");
  EXPECT_EQ(S(NextBucket(Bucket::kMonth, T("2026-12-01T00:00:00Z"))), "2027-01-01T00:00:00.000Z");
  EXPECT_EQ(S(NextBucket(Bucket::kMonth, T("2028-02-01T00:00:00Z"))), "2028-03-01T00:00:00.000Z");
  EXPECT_EQ(S(NextBucket(Bucket::kWeek, T("2026-12-28T00:00:00Z"))), "2027-01-04T00:00:00.000Z");
  EXPECT_EQ(S(NextBucket(Bucket::kHour, T("2026-12-31T23:00:00Z"))), "2027-01-01T00:00:00.000Z");
}

TEST(BucketTest, ParsesNamesAndRefusesOthers) {
  for (const Bucket b : {Bucket::kHour, Bucket::kDay, Bucket::kWeek, Bucket::kMonth}) {
    EXPECT_EQ(ParseBucket(BucketName(b)), b);
  }
  EXPECT_EQ(CodeOf([] { ParseBucket("year"); }), ErrorCode::kUnprocessable);
  EXPECT_EQ(CodeOf([] { ParseBucket("Day"); }), ErrorCode::kUnprocessable);
}

const Time kNow = T("2026-11-29T18:30:00Z");

SummaryQuery Parse(std::optional<std::string> from, std::optional<std::string> to,
                   std::optional<std::string> bucket = std::nullopt, int max_days = 366) {
  return ParseSummaryQuery({std::move(from), std::move(to), std::move(bucket)}, max_days, kNow);
}

/// The message of the Error `fn` throws, which must be kUnprocessable.
template <typename Fn>
std::string Refusal(Fn&& fn) {
  try {
    fn();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kUnprocessable) << error.what();
    return error.what();
  }
  ADD_FAILURE() << "accepted";
  return "";
}

TEST(SummaryQueryTest, DefaultsToTheLastSevenDaysByDay) {
  const SummaryQuery q = Parse(std::nullopt, std::nullopt);
  EXPECT_EQ(S(q.to), "2026-11-29T19:00:00.000Z");
  EXPECT_EQ(S(q.from), "2026-11-22T19:00:00.000Z");
  EXPECT_EQ(q.bucket, Bucket::kDay);
  EXPECT_EQ(S(Parse("2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "hour").to), "2026-11-02T00:00:00.000Z");
}

TEST(SummaryQueryTest, RefusalsNameTheParameter) {
  EXPECT_NE(Refusal([] { Parse(std::nullopt, std::nullopt, "fortnight"); }).find("bucket"), std::string::npos);
  EXPECT_NE(Refusal([] { Parse("yesterday", std::nullopt); }).find("parameter from"), std::string::npos);
  EXPECT_NE(Refusal([] { Parse(std::nullopt, "2026-13-01T00:00:00Z"); }).find("parameter to"), std::string::npos);
  EXPECT_NE(Refusal([] { Parse("", std::nullopt); }).find("parameter from"), std::string::npos);
  EXPECT_NE(Refusal([] { Parse("2026-11-01T00:30:00Z", std::nullopt); }).find("whole hour"), std::string::npos);
  EXPECT_NE(Refusal([] { Parse("2026-11-02T00:00:00Z", "2026-11-01T00:00:00Z"); }).find("parameter from"),
            std::string::npos);
  EXPECT_NE(Refusal([] { Parse("2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z"); }).find("before to"),
            std::string::npos);
  EXPECT_NE(Refusal([] { Parse("2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z", "day", 30); }).find("parameter to"),
            std::string::npos);
  // Six weeks by the hour is 1008 buckets.
  EXPECT_NE(Refusal([] { Parse("2026-01-01T00:00:00Z", "2026-02-12T00:00:00Z", "hour"); }).find("parameter bucket"),
            std::string::npos);
  EXPECT_EQ(Parse("2026-01-01T00:00:00Z", "2026-02-11T00:00:00Z", "hour").bucket, Bucket::kHour);  // 984
}

}  // namespace
}  // namespace faceloop::insights
