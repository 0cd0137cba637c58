#include <array>
#include <string_view>

#include "common/error.hpp"
#include "common/time.hpp"
#include "scheduler/job.hpp"

namespace faceloop::scheduler {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::sys_days;

Time Start(std::string_view unit, Time time) {
  const sys_days day = floor<days>(time);
  if (unit == "hour") return floor<std::chrono::hours>(time);
  if (unit == "day") return day;
  if (unit == "week") return day - (std::chrono::weekday{day} - std::chrono::Monday);
  const std::chrono::year_month_day date{day};
  return sys_days{date.year() / date.month() / 1};
}

Time Next(std::string_view unit, Time start) {
  if (unit == "hour") return start + std::chrono::hours(1);
  if (unit == "day") return start + days(1);
  if (unit == "week") return start + days(7);
  const std::chrono::year_month_day date{floor<days>(start)};
  return sys_days{(date.year() / date.month() / 1) + std::chrono::months(1)};
}

}  // namespace

PeriodOf EveryPeriod(std::chrono::milliseconds every) {
  if (every.count() <= 0) throw Error(ErrorCode::kBadRequest, "scheduler: a period must be longer than 0 ms");
  return [every](Time time) {
    const auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch());
    const Time start{std::chrono::duration_cast<Time::duration>((since_epoch / every) * every)};
    return Period{FormatTimestamp(start), start, start + every};
  };
}

PeriodOf CalendarPeriod(const std::string& unit) {
  constexpr std::array<std::string_view, 4> kUnits = {"hour", "day", "week", "month"};
  bool known = false;
  for (const std::string_view name : kUnits) known = known || name == unit;
  if (!known) throw Error(ErrorCode::kBadRequest, "scheduler: period must be hour, day, week or month");
  return [unit](Time time) {
    const Time start = Start(unit, time);
    return Period{FormatTimestamp(start), start, Next(unit, start)};
  };
}

}  // namespace faceloop::scheduler
