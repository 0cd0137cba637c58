#pragma once
// A feature's distribution as the rollups keep it: counts per fixed bin plus the count, sum and
// sum of squares of the values (exact mean and standard deviation; drift needs both). Histograms
// of hours add up to histograms of days, weeks and months.
#include <cstdint>
#include <optional>
#include <vector>

#include "insights/features.hpp"

namespace faceloop::insights {

struct Moments {
  std::int64_t count = 0;
  double sum = 0;
  double sum_sq = 0;

  void Add(const Moments& other);
  std::optional<double> Mean() const;
  /// Population standard deviation; nullopt without values.
  std::optional<double> StdDev() const;
};

class Histogram {
 public:
  explicit Histogram(const Feature& feature) : feature_(&feature), counts_(feature.bins(), 0) {}

  /// One value (binned by BinOf).
  void Add(double value);
  /// A stored bin: `moments` are those of the values that fell in it.
  void AddBin(std::size_t bin, const Moments& moments);
  void Merge(const Histogram& other);

  /// The p-th percentile (0..100), interpolated linearly within its bin: off by at most the width
  /// of that bin (more only in the first and last bins, which also hold the values beyond the
  /// edges). nullopt without values.
  std::optional<double> Percentile(double p) const;

  const Feature& feature() const { return *feature_; }
  const std::vector<std::int64_t>& counts() const { return counts_; }
  const Moments& moments() const { return moments_; }

 private:
  const Feature* feature_;
  std::vector<std::int64_t> counts_;
  Moments moments_;
};

}  // namespace faceloop::insights
