#include "common/number_text.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

namespace faceloop {

std::optional<double> ParseFiniteNumber(std::string_view text) {
  double value = 0;
  // chars_format::general: fixed or scientific, never hex; no leading whitespace or '+'.
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::general);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace faceloop
