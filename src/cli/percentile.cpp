#include "cli/percentile.hpp"

#include <algorithm>
#include <cstddef>

namespace faceloop::cli {

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(
      std::clamp(p / 100.0 * static_cast<double>(values.size()), 1.0, static_cast<double>(values.size())));
  return values[rank - 1];
}

}  // namespace faceloop::cli
