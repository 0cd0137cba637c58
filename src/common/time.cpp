#include "common/time.hpp"

#include <array>
#include <cstdio>

#include "common/error.hpp"

namespace faceloop {

namespace {

constexpr std::string_view kLayout = "timestamp must be YYYY-MM-DDTHH:MM:SS[.fff]Z";

int ParseDigits(std::string_view text, std::size_t pos, std::size_t count) {
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') throw Error(ErrorCode::kBadRequest, std::string(kLayout));
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool HasSeparators(std::string_view text) {
  return text.size() >= 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' &&
         text[16] == ':' && text.back() == 'Z';
}

// The part between the seconds and the 'Z': "" or "." and 1 to 9 digits.
std::chrono::nanoseconds ParseFraction(std::string_view rest) {
  if (rest.empty()) return std::chrono::nanoseconds{0};
  if (rest[0] != '.' || rest.size() < 2 || rest.size() > 10) {
    throw Error(ErrorCode::kBadRequest, "timestamp fraction must be 1 to 9 digits");
  }
  const std::size_t digits = rest.size() - 1;
  long long value = ParseDigits(rest, 1, digits);
  for (std::size_t i = digits; i < 9; ++i) value *= 10;
  return std::chrono::nanoseconds{value};
}

}  // namespace

std::string FormatTimestamp(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  // floor, not duration_cast: times before 1970 must round towards the past too.
  const auto millis = floor<milliseconds>(time);
  const auto day = floor<days>(millis);
  const year_month_day date{day};
  const hh_mm_ss clock{millis - day};
  std::array<char, 64> text{};
  (void)std::snprintf(text.data(), text.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                      static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                      static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return text.data();
}

std::chrono::system_clock::time_point ParseTimestamp(std::string_view text) {
  using namespace std::chrono;
  if (!HasSeparators(text)) throw Error(ErrorCode::kBadRequest, std::string(kLayout));
  const year_month_day date{year{ParseDigits(text, 0, 4)}, month{static_cast<unsigned>(ParseDigits(text, 5, 2))},
                            day{static_cast<unsigned>(ParseDigits(text, 8, 2))}};
  const int hours = ParseDigits(text, 11, 2);
  const int minutes = ParseDigits(text, 14, 2);
  const int secs = ParseDigits(text, 17, 2);
  // Found by record_fuzzer: year 1013 overflowed system_clock (undefined behaviour).
  if (!date.ok() || date.year() < year{1970} || date.year() > year{2200} || hours > 23 || minutes > 59 || secs > 60) {
    throw Error(ErrorCode::kBadRequest, "timestamp out of range");
  }
  const nanoseconds fraction = ParseFraction(text.substr(19, text.size() - 20));
  const auto time = sys_days{date} + hours * 1h + minutes * 1min + secs * 1s + fraction;
  return time_point_cast<system_clock::duration>(time);
}

}  // namespace faceloop
