// Report periods across daylight-saving changes in a non-UTC zone (Europe/Berlin from the system
// tz database, as the service reads it), and the zone's local <-> UTC conversion itself.
#include "reports/period.hpp"

#include <gtest/gtest.h>

#include "common/time.hpp"
#include "support/error_code.hpp"

namespace faceloop::reports {
namespace {

using faceloop::testing::CodeOf;
using std::chrono::hours;

Time T(const char* text) { return ParseTimestamp(text); }

TEST(TimeZoneTest, ConvertsBerlinAcrossBothChanges) {
  const TimeZone berlin = TimeZone::Load("Europe/Berlin");
  EXPECT_EQ(berlin.OffsetAt(T("2025-01-15T12:00:00Z")), hours(1));
  EXPECT_EQ(berlin.OffsetAt(T("2025-07-15T12:00:00Z")), hours(2));
  // 2025-03-30 02:00 local does not exist: the clocks jumped to 03:00 at 01:00 UTC.
  EXPECT_EQ(berlin.FromLocal(
                LocalSeconds(std::chrono::local_days(std::chrono::year(2025) / 3 / 30).time_since_epoch() + hours(2))),
            T("2025-03-30T01:00:00Z"));
  // 2025-10-26 02:30 local happens twice: the earlier (summer time) instant.
  EXPECT_EQ(
      berlin.FromLocal(LocalSeconds(std::chrono::local_days(std::chrono::year(2025) / 10 / 26).time_since_epoch() +
                                    hours(2) + std::chrono::minutes(30))),
      T("2025-10-26T00:30:00Z"));
}

TEST(PeriodTest, DayIs23HoursWhenClocksGoForward) {
  const TimeZone berlin = TimeZone::Load("Europe/Berlin");
  const PeriodWindow day = PeriodOf(Period::kDay, ParseLocalDate("2025-03-30"), berlin);
  EXPECT_EQ(day.start, T("2025-03-29T23:00:00Z"));
  EXPECT_EQ(day.end, T("2025-03-30T22:00:00Z"));
  EXPECT_EQ(day.end - day.start, hours(23));
}

TEST(PeriodTest, DayIs25HoursWhenClocksGoBack) {
  const TimeZone berlin = TimeZone::Load("Europe/Berlin");
  const PeriodWindow day = PeriodOf(Period::kDay, ParseLocalDate("2025-10-26"), berlin);
  EXPECT_EQ(day.start, T("2025-10-25T22:00:00Z"));
  EXPECT_EQ(day.end, T("2025-10-26T23:00:00Z"));
  EXPECT_EQ(day.end - day.start, hours(25));
}

TEST(PeriodTest, WeekRunsMondayToMondayAcrossTheChange) {
  const TimeZone berlin = TimeZone::Load("Europe/Berlin");
  // Thursday 2025-03-27: the week of Monday 24 March, which holds the change on Sunday 30th.
  const PeriodWindow week = PeriodOf(Period::kWeek, ParseLocalDate("2025-03-27"), berlin);
  EXPECT_EQ(FormatLocalDate(week.first_day), "2025-03-24");
  EXPECT_EQ(week.start, T("2025-03-23T23:00:00Z"));
  EXPECT_EQ(week.end, T("2025-03-30T22:00:00Z"));
  EXPECT_EQ(week.end - week.start, hours(7 * 24 - 1));
  const PeriodWindow next = PeriodAt(Period::kWeek, week.end, berlin);
  EXPECT_EQ(FormatLocalDate(next.first_day), "2025-03-31");
  EXPECT_EQ(next.start, week.end);
}

TEST(PeriodTest, MonthAndPreviousMonth) {
  const TimeZone berlin = TimeZone::Load("Europe/Berlin");
  const PeriodWindow march = PeriodOf(Period::kMonth, ParseLocalDate("2025-03-31"), berlin);
  EXPECT_EQ(march.start, T("2025-02-28T23:00:00Z"));
  EXPECT_EQ(march.end, T("2025-03-31T22:00:00Z"));
  const PeriodWindow february = PreviousPeriod(march, berlin);
  EXPECT_EQ(FormatLocalDate(february.first_day), "2025-02-01");
  EXPECT_EQ(february.end, march.start);
}

TEST(PeriodTest, LastCompletePeriodIsTheOneThatEnded) {
  const TimeZone berlin = TimeZone::Load("Europe/Berlin");
  // 00:30 local on 31 March (22:30 UTC on the 30th): yesterday, the 23-hour day, is complete.
  const PeriodWindow day = LastCompletePeriod(Period::kDay, T("2025-03-30T22:30:00Z"), berlin);
  EXPECT_EQ(FormatLocalDate(day.first_day), "2025-03-30");
  const TimeZone utc = TimeZone::Load("UTC");
  EXPECT_EQ(LastCompletePeriod(Period::kDay, T("2025-03-30T22:30:00Z"), utc).start, T("2025-03-29T00:00:00Z"));
}

TEST(PeriodTest, RefusesBadInputNamingTheField) {
  EXPECT_EQ(CodeOf([] { ParsePeriod("year"); }), ErrorCode::kUnprocessable);
  EXPECT_EQ(CodeOf([] { ParseLocalDate("2025-02-30"); }), ErrorCode::kUnprocessable);
  EXPECT_EQ(CodeOf([] { ParseLocalDate("2025-3-1"); }), ErrorCode::kUnprocessable);
  EXPECT_EQ(CodeOf([] { TimeZone::Load("../../etc/passwd"); }), ErrorCode::kUnprocessable);
  EXPECT_EQ(CodeOf([] { TimeZone::Load("Mars/Olympus_Mons"); }), ErrorCode::kUnprocessable);
  try {
    TimeZone::Load("Nowhere/City", "reports.time_zone");
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("reports.time_zone"), std::string::npos);
  }
}

}  // namespace
}  // namespace faceloop::reports
