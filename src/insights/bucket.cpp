#include "insights/bucket.hpp"

#include <chrono>

#include "common/error.hpp"
#include "common/time.hpp"

namespace faceloop::insights {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::hours;
using std::chrono::sys_days;

constexpr std::string_view kNames[] = {"hour", "day", "week", "month"};

/// The Monday of the ISO week holding `day`.
sys_days Monday(sys_days day) {
  const std::chrono::weekday weekday{day};
  return day - (weekday - std::chrono::Monday);  // weekday difference is always 0..6 days
}

sys_days MonthStart(sys_days day) {
  const std::chrono::year_month_day date{day};
  return sys_days{date.year() / date.month() / 1};
}

}  // namespace

std::string_view BucketName(Bucket bucket) { return kNames[static_cast<int>(bucket)]; }

Bucket ParseBucket(std::string_view name) {
  for (int i = 0; i < 4; ++i) {
    if (kNames[i] == name) return static_cast<Bucket>(i);
  }
  throw Error(ErrorCode::kUnprocessable, "parameter bucket must be hour, day, week or month");
}

Time FloorHour(Time time) { return floor<hours>(time); }

bool IsWholeHour(Time time) { return FloorHour(time) == time; }

Time BucketStart(Bucket bucket, Time time) {
  const sys_days day = floor<days>(time);
  switch (bucket) {
    case Bucket::kHour: return FloorHour(time);
    case Bucket::kDay: return day;
    case Bucket::kWeek: return Monday(day);
    case Bucket::kMonth: return MonthStart(day);
  }
  return time;
}

Time NextBucket(Bucket bucket, Time start) {
  switch (bucket) {
    case Bucket::kHour: return start + hours(1);
    case Bucket::kDay: return start + days(1);
    case Bucket::kWeek: return start + days(7);
    case Bucket::kMonth: {
      const std::chrono::year_month_day date{floor<days>(start)};
      return sys_days{(date.year() / date.month() + std::chrono::months(1)) / 1};
    }
  }
  return start;
}

std::string BucketKey(Bucket bucket, Time time) {
  std::string text = FormatTimestamp(BucketStart(bucket, time));  // "YYYY-MM-DDTHH:MM:SS.mmmZ"
  switch (bucket) {
    case Bucket::kHour: return text.substr(0, 13);
    case Bucket::kDay:
    case Bucket::kWeek: return text.substr(0, 10);
    case Bucket::kMonth: return text.substr(0, 7);
  }
  return text;
}

std::string BucketSql(Bucket bucket, db::Dialect dialect, std::string_view column) {
  const std::string c(column);
  switch (bucket) {
    case Bucket::kHour: return "substr(" + c + ", 1, 13)";
    case Bucket::kDay: return "substr(" + c + ", 1, 10)";
    case Bucket::kMonth: return "substr(" + c + ", 1, 7)";
    case Bucket::kWeek: break;
  }
  if (dialect == db::Dialect::kSqlite) {
    // 'weekday 0' moves forward to the next Sunday (or stays on one); six days back is its Monday.
    return "date(substr(" + c + ", 1, 10), 'weekday 0', '-6 days')";
  }
  // Date arithmetic only (no time zones): ISODOW is 1 for Monday.
  const std::string date = "CAST(substr(" + c + ", 1, 10) AS date)";
  return "to_char(CAST(" + date + " - CAST(EXTRACT(ISODOW FROM " + date +
         ") AS integer) + 1 AS timestamp), 'YYYY-MM-DD')";
}

}  // namespace faceloop::insights
