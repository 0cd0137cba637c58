#pragma once
// Time buckets of the insights, in UTC: hour, day, ISO week (Monday to Monday) and calendar month.
// The same bucket is computed in C++ (BucketStart, BucketKey) and in SQL (BucketSql) over the
// stored timestamps, whose fixed-width text (common/time.hpp) makes a bucket a prefix or, for
// weeks, the Monday of a date; tests check that both agree on SQLite and PostgreSQL.
#include <string>
#include <string_view>

#include "db/database.hpp"
#include "requests/record.hpp"

namespace faceloop::insights {

using Time = requests::Time;

enum class Bucket { kHour, kDay, kWeek, kMonth };

/// "hour", "day", "week" or "month".
std::string_view BucketName(Bucket bucket);
/// Inverse of BucketName; throws Error(kUnprocessable) naming the parameter `bucket`.
Bucket ParseBucket(std::string_view name);

/// `time` truncated to its hour (UTC).
Time FloorHour(Time time);
/// Whether `time` is a whole hour.
bool IsWholeHour(Time time);
/// The start of the bucket holding `time`.
Time BucketStart(Bucket bucket, Time time);
/// The start of the bucket after the one starting at `start`.
Time NextBucket(Bucket bucket, Time start);
/// The key SQL computes for `time`'s bucket: "YYYY-MM-DDTHH", "YYYY-MM-DD" (day; week: its
/// Monday) or "YYYY-MM".
std::string BucketKey(Bucket bucket, Time time);
/// The SQL expression of the bucket key of a timestamp column (text as FormatTimestamp writes it).
std::string BucketSql(Bucket bucket, db::Dialect dialect, std::string_view column);

}  // namespace faceloop::insights
