#pragma once
// Report periods in the configured time zone: a local day, an ISO week (Monday to Monday) or a
// calendar month, each [start, end) as UTC instants. A local day is 23 or 25 hours long across a
// daylight-saving change, so periods are computed on local dates and converted, never by adding
// hours.
#include <chrono>
#include <string>
#include <string_view>

#include "reports/zone.hpp"

namespace faceloop::reports {

enum class Period { kDay, kWeek, kMonth };

/// "day", "week" or "month".
std::string_view PeriodName(Period period);
/// Inverse of PeriodName; throws Error(kUnprocessable) naming `field`.
Period ParsePeriod(std::string_view name, std::string_view field = "period");

struct PeriodWindow {
  Period period = Period::kDay;
  std::chrono::year_month_day first_day{};  ///< the local date the period starts on
  Time start;                               ///< local midnight of first_day, as UTC
  Time end;                                 ///< local midnight after the period's last day, as UTC
};

/// "YYYY-MM-DD" as a date; throws Error(kUnprocessable) naming `field`.
std::chrono::year_month_day ParseLocalDate(std::string_view text, std::string_view field = "at");
/// "YYYY-MM-DD".
std::string FormatLocalDate(std::chrono::year_month_day date);

/// The period of kind `period` holding the local date `day`.
PeriodWindow PeriodOf(Period period, std::chrono::year_month_day day, const TimeZone& zone);
/// The period holding the instant `at`.
PeriodWindow PeriodAt(Period period, Time at, const TimeZone& zone);
/// The period before `window`.
PeriodWindow PreviousPeriod(const PeriodWindow& window, const TimeZone& zone);
/// The latest period that has ended by `now`: what a scheduler produces at `now`.
PeriodWindow LastCompletePeriod(Period period, Time now, const TimeZone& zone);

}  // namespace faceloop::reports
