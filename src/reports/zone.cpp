#include "reports/zone.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "common/error.hpp"

namespace faceloop::reports {
namespace {

constexpr std::size_t kHeaderBytes = 44;  // "TZif", version, 15 reserved bytes, six counts

[[noreturn]] void Corrupt(const std::string& name) {
  throw Error(ErrorCode::kInternal, "time zone " + name + ": not a TZif file the reports can read");
}

std::uint32_t Be32(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

std::int64_t Be64(std::string_view bytes, std::size_t at) {
  return static_cast<std::int64_t>((static_cast<std::uint64_t>(Be32(bytes, at)) << 32) | Be32(bytes, at + 4));
}

struct Counts {
  std::uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

Counts ReadCounts(std::string_view bytes, std::size_t at) {
  return {Be32(bytes, at + 20), Be32(bytes, at + 24), Be32(bytes, at + 28),
          Be32(bytes, at + 32), Be32(bytes, at + 36), Be32(bytes, at + 40)};
}

/// Bytes of a data block whose times are `time_size` bytes wide.
std::size_t BlockSize(const Counts& c, std::size_t time_size) {
  return c.timecnt * (time_size + 1) + c.typecnt * 6 + c.charcnt + c.leapcnt * (time_size + 4) + c.isstdcnt + c.isutcnt;
}

/// Names are paths below the database: refuse anything that could leave it.
bool IsZoneName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
           c == '-' || c == '+';
  });
}

}  // namespace

TimeZone TimeZone::Load(std::string_view name, std::string_view field) {
  const std::string quoted = std::string(field) + " '" + std::string(name.substr(0, 64)) + "'";
  if (name == "UTC" || name == "Etc/UTC") return FromTzif("UTC", {});
  if (!IsZoneName(name)) throw Error(ErrorCode::kUnprocessable, quoted + " is not an IANA time zone name");
  const char* dir = std::getenv("TZDIR");
  std::ifstream in(std::string(dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo") + "/" + std::string(name),
                   std::ios::binary);
  if (!in) throw Error(ErrorCode::kUnprocessable, quoted + " is not a known time zone");
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (bytes.size() < kHeaderBytes || bytes.compare(0, 4, "TZif") != 0) {
    throw Error(ErrorCode::kUnprocessable, quoted + " is not a known time zone");
  }
  return FromTzif(std::string(name), bytes);
}

TimeZone TimeZone::FromTzif(std::string name, std::string_view bytes) {
  TimeZone zone;
  zone.name_ = std::move(name);
  if (bytes.empty()) return zone;  // UTC
  if (bytes.size() < kHeaderBytes || bytes.substr(0, 4) != "TZif") Corrupt(zone.name_);
  // Version 2+ files repeat the data with 64-bit times after the version 1 block; use those.
  const bool v2 = bytes[4] >= '2';
  std::size_t at = 0;
  std::size_t time_size = 4;
  if (v2) {
    at = kHeaderBytes + BlockSize(ReadCounts(bytes, 0), 4);
    time_size = 8;
    if (bytes.size() < at + kHeaderBytes || bytes.substr(at, 4) != "TZif") Corrupt(zone.name_);
  }
  const Counts c = ReadCounts(bytes, at);
  const std::size_t data = at + kHeaderBytes;
  if (c.typecnt == 0 || bytes.size() < data + BlockSize(c, time_size)) Corrupt(zone.name_);
  const std::size_t indices = data + c.timecnt * time_size;
  const std::size_t types = indices + c.timecnt;
  const auto type_offset = [&](std::size_t type) {
    if (type >= c.typecnt) Corrupt(zone.name_);
    return static_cast<std::int32_t>(Be32(bytes, types + type * 6));
  };
  zone.initial_offset_ = type_offset(0);  // RFC 8536 3.2: type 0 applies before the first transition
  for (std::size_t i = 0; i < c.timecnt; ++i) {
    zone.transitions_.push_back(time_size == 8 ? Be64(bytes, data + i * 8)
                                               : static_cast<std::int32_t>(Be32(bytes, data + i * 4)));
    zone.offsets_.push_back(type_offset(static_cast<unsigned char>(bytes[indices + i])));
  }
  return zone;
}

std::chrono::seconds TimeZone::OffsetAt(Time utc) const {
  const std::int64_t seconds = std::chrono::floor<std::chrono::seconds>(utc.time_since_epoch()).count();
  const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), seconds);
  if (after == transitions_.begin()) return std::chrono::seconds(initial_offset_);
  return std::chrono::seconds(offsets_[static_cast<std::size_t>(after - transitions_.begin() - 1)]);
}

LocalSeconds TimeZone::ToLocal(Time utc) const {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(utc.time_since_epoch());
  return LocalSeconds(seconds + OffsetAt(utc));
}

Time TimeZone::FromLocal(LocalSeconds local) const {
  const auto as_utc = [](std::chrono::seconds s) { return Time(s); };
  const std::chrono::seconds wall = local.time_since_epoch();
  // Offsets in force a day either side of the wall time bracket every candidate instant.
  const std::chrono::seconds early = OffsetAt(as_utc(wall - std::chrono::hours(24)));
  const std::chrono::seconds late = OffsetAt(as_utc(wall + std::chrono::hours(24)));
  for (const std::chrono::seconds offset : {std::max(early, late), std::min(early, late)}) {
    const Time candidate = as_utc(wall - offset);
    if (OffsetAt(candidate) == offset) return candidate;  // the earlier instant when both fit
  }
  // Skipped: the wall time falls in a gap (early < late); the clocks jumped at the last transition
  // at or before wall - early.
  const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), (wall - early).count());
  if (after != transitions_.begin()) return as_utc(std::chrono::seconds(*(after - 1)));
  return as_utc(wall - early);
}

}  // namespace faceloop::reports
