#include "reports/period.hpp"

#include <charconv>
#include <cstdio>

#include "common/error.hpp"

namespace faceloop::reports {
namespace {

using std::chrono::days;
using std::chrono::local_days;
using std::chrono::year_month_day;

Time LocalMidnight(year_month_day day, const TimeZone& zone) {
  return zone.FromLocal(LocalSeconds(local_days(day).time_since_epoch()));
}

year_month_day FirstDay(Period period, year_month_day day) {
  switch (period) {
    case Period::kDay: return day;
    case Period::kWeek: {
      const local_days d(day);
      const std::chrono::weekday weekday(d);
      // ISO weeks start on Monday: iso_encoding() is 1 (Monday) .. 7 (Sunday).
      return year_month_day(d - days(weekday.iso_encoding() - 1));
    }
    case Period::kMonth: return day.year() / day.month() / 1;
  }
  return day;
}

year_month_day NextFirstDay(Period period, year_month_day first) {
  switch (period) {
    case Period::kDay: return year_month_day(local_days(first) + days(1));
    case Period::kWeek: return year_month_day(local_days(first) + days(7));
    case Period::kMonth: return first + std::chrono::months(1);
  }
  return first;
}

}  // namespace

std::string_view PeriodName(Period period) {
  switch (period) {
    case Period::kDay: return "day";
    case Period::kWeek: return "week";
    case Period::kMonth: return "month";
  }
  return "day";
}

Period ParsePeriod(std::string_view name, std::string_view field) {
  for (const Period p : {Period::kDay, Period::kWeek, Period::kMonth}) {
    if (name == PeriodName(p)) return p;
  }
  throw Error(ErrorCode::kUnprocessable, std::string(field) + " must be day, week or month");
}

year_month_day ParseLocalDate(std::string_view text, std::string_view field) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  const auto number = [&text](std::size_t at, std::size_t width, auto& out) {
    const char* first = text.data() + at;
    const auto [end, ec] = std::from_chars(first, first + width, out);
    return ec == std::errc() && end == first + width;
  };
  const bool shaped =
      text.size() == 10 && text[4] == '-' && text[7] == '-' && number(0, 4, y) && number(5, 2, m) && number(8, 2, d);
  const year_month_day date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
  if (!shaped || !date.ok() || y < 1970 || y > 2200) {
    throw Error(ErrorCode::kUnprocessable, std::string(field) + " must be a date like 2025-03-30");
  }
  return date;
}

std::string FormatLocalDate(year_month_day date) {
  char text[16];
  (void)std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

PeriodWindow PeriodOf(Period period, year_month_day day, const TimeZone& zone) {
  const year_month_day first = FirstDay(period, day);
  return {period, first, LocalMidnight(first, zone), LocalMidnight(NextFirstDay(period, first), zone)};
}

PeriodWindow PeriodAt(Period period, Time at, const TimeZone& zone) {
  return PeriodOf(period, year_month_day(std::chrono::floor<days>(zone.ToLocal(at))), zone);
}

PeriodWindow PreviousPeriod(const PeriodWindow& window, const TimeZone& zone) {
  return PeriodOf(window.period, year_month_day(local_days(window.first_day) - days(1)), zone);
}

PeriodWindow LastCompletePeriod(Period period, Time now, const TimeZone& zone) {
  return PreviousPeriod(PeriodAt(period, now, zone), zone);
}

}  // namespace faceloop::reports
