#pragma once
// Timestamps as the product writes them everywhere: RFC 3339, UTC, milliseconds.
#include <chrono>
#include <string>
#include <string_view>

namespace faceloop {

/// "2026-11-28T10:00:00.000Z".
std::string FormatTimestamp(std::chrono::system_clock::time_point time);
/// Parses FormatTimestamp's format (the fraction may have 0 to 9 digits) for years 1970..2200;
/// throws Error(kBadRequest) otherwise.
std::chrono::system_clock::time_point ParseTimestamp(std::string_view text);

}  // namespace faceloop
