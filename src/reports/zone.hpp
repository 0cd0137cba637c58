#pragma once
// An IANA time zone read from the system's compiled tz database (TZif files under
// /usr/share/zoneinfo, or $TZDIR). GCC 12's <chrono> has the calendar but not the tz database, and
// TZ/localtime_r are process-global, so reports read the zone's transitions themselves. Only the
// transition table is used: Debian ships "fat" files with transitions written out to 2037; later
// instants keep the last offset (reports are about the recent past).
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace faceloop::reports {

using Time = std::chrono::system_clock::time_point;
using LocalSeconds = std::chrono::local_seconds;

class TimeZone {
 public:
  /// "UTC" (always available) or an IANA name such as "Europe/Berlin". Throws
  /// Error(kUnprocessable) naming `field` for a name that is malformed or not in the database.
  static TimeZone Load(std::string_view name, std::string_view field = "time_zone");
  /// A zone from TZif bytes (tests); `name` is only reported.
  static TimeZone FromTzif(std::string name, std::string_view bytes);

  const std::string& name() const { return name_; }
  /// UTC offset in force at `utc`.
  std::chrono::seconds OffsetAt(Time utc) const;
  /// The local wall-clock time of `utc`.
  LocalSeconds ToLocal(Time utc) const;
  /// The instant of local wall-clock time `local`. Ambiguous times (clocks turned back) take the
  /// earlier instant; skipped times (clocks turned forward) the moment the clocks jumped.
  Time FromLocal(LocalSeconds local) const;

 private:
  std::string name_;
  std::vector<std::int64_t> transitions_;  ///< UTC seconds, ascending
  std::vector<std::int32_t> offsets_;      ///< offset in force from transitions_[i] on
  std::int32_t initial_offset_ = 0;        ///< before the first transition
};

}  // namespace faceloop::reports
