#pragma once
// The one timestamp format of faceloop: RFC 3339 UTC with milliseconds, e.g.
// "2024-05-06T07:08:09.123Z". The database stores it, the API returns it and the spool records
// carry it, so its width and layout must never change.
#include <chrono>
#include <string>
#include <string_view>

namespace faceloop {

/// Truncated (not rounded) to milliseconds. Fixed width for years 0000-9999, so stored timestamps
/// compare correctly as strings: SQL range queries, indexes and the expiry checks in accounts rely
/// on that.
std::string FormatTimestamp(std::chrono::system_clock::time_point time);

/// Parses "YYYY-MM-DDTHH:MM:SS[.f]Z" with 1 to 9 fraction digits (FormatTimestamp's output and
/// what other RFC 3339 UTC writers send). Years 1970..2200 only: system_clock counts nanoseconds
/// in 64 bits (about 1678..2262), and earlier times are never ours. Throws Error(kBadRequest).
std::chrono::system_clock::time_point ParseTimestamp(std::string_view text);

}  // namespace faceloop
