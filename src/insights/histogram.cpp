#include "insights/histogram.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"

namespace faceloop::insights {

void Moments::Add(const Moments& other) {
  count += other.count;
  sum += other.sum;
  sum_sq += other.sum_sq;
}

std::optional<double> Moments::Mean() const {
  if (count == 0) return std::nullopt;
  return sum / static_cast<double>(count);
}

std::optional<double> Moments::StdDev() const {
  const auto mean = Mean();
  if (!mean) return std::nullopt;
  // Clamped: rounding can make E[x^2] - E[x]^2 slightly negative for constant values.
  return std::sqrt(std::max(0.0, sum_sq / static_cast<double>(count) - *mean * *mean));
}

void Histogram::Add(double value) { AddBin(BinOf(*feature_, value), Moments{1, value, value * value}); }

void Histogram::AddBin(std::size_t bin, const Moments& moments) {
  if (bin >= counts_.size()) {
    // Only a database written with other edges holds such a bin: the feature's edges changed.
    throw Error(ErrorCode::kInternal,
                "insights: bin " + std::to_string(bin) + " out of range for feature " + std::string(feature_->name));
  }
  counts_[bin] += moments.count;
  moments_.Add(moments);
}

void Histogram::Merge(const Histogram& other) {
  for (std::size_t bin = 0; bin < counts_.size(); ++bin) counts_[bin] += other.counts_[bin];
  moments_.Add(other.moments_);
}

std::optional<double> Histogram::Percentile(double p) const {
  std::int64_t total = 0;
  for (const std::int64_t count : counts_) total += count;
  if (total == 0) return std::nullopt;
  const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(total);
  double below = 0;  // values in the bins before `bin`
  for (std::size_t bin = 0; bin < counts_.size(); ++bin) {
    const auto count = static_cast<double>(counts_[bin]);
    if (count == 0) continue;
    if (below + count >= rank) {
      const double lo = feature_->edges[bin];
      const double hi = feature_->edges[bin + 1];
      return lo + (rank - below) / count * (hi - lo);
    }
    below += count;
  }
  return feature_->edges.back();  // not reached: the last non-empty bin holds rank == total
}

}  // namespace faceloop::insights
