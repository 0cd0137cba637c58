#pragma once
// The one timestamp format stored in the database and returned by the API.
#include <chrono>
#include <string>

namespace faceloop::db {

/// RFC 3339 UTC with milliseconds, e.g. "2024-05-06T07:08:09.123Z" (truncated, not rounded).
/// Fixed width for years 0000–9999, so stored timestamps compare correctly as strings: SQL range
/// queries, indexes and the expiry checks in accounts rely on that.
std::string FormatTimestamp(std::chrono::system_clock::time_point time);

}  // namespace faceloop::db
