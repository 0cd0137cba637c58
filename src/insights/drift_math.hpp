#pragma once
// The drift statistics between a reference and a current histogram of one feature (same bins):
// population stability index, a binned Kolmogorov-Smirnov distance and the shift of the mean in
// reference standard deviations, and the verdict they give under DriftThresholds. Pure functions,
// checked against hand-computed values (tests/insights/drift_math_test.cpp).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "insights/histogram.hpp"
#include "insights/thresholds.hpp"

namespace faceloop::insights {

/// Stands in for the share of an empty bin in PSI, whose log would be infinite otherwise: one in
/// ten thousand, so a bin empty on one side adds about (q - 0.0001) ln(q / 0.0001).
inline constexpr double kPsiEpsilon = 1e-4;

/// The bins' ends (one past the last bin of each group) when the fine bins are merged into at
/// most `groups` runs of consecutive bins holding about equal shares of the reference: its
/// quantile groups (deciles for 10). A bin holding several quantiles makes one group, so a feature
/// with few distinct values gets fewer groups; bins outside the reference's range join the first
/// or the last group. Empty when the reference is.
std::vector<std::size_t> QuantileGroupEnds(const std::vector<std::int64_t>& reference, int groups);

/// `counts` summed over the groups that `ends` (from QuantileGroupEnds) delimits.
std::vector<std::int64_t> Regroup(const std::vector<std::int64_t>& counts, const std::vector<std::size_t>& ends);

/// sum_i (q_i - p_i) ln(q_i / p_i) over the bins' shares p (reference) and q (current), each share
/// at least kPsiEpsilon. nullopt when either side has no values. Both vectors have the same size.
std::optional<double> Psi(const std::vector<std::int64_t>& reference, const std::vector<std::int64_t>& current);

/// max_i |F_ref(i) - F_cur(i)| over the cumulative shares at the bins' upper edges. The true KS
/// distance of the values can only be larger (it also looks inside the bins): a lower bound.
/// nullopt when either side has no values.
std::optional<double> KsDistance(const std::vector<std::int64_t>& reference, const std::vector<std::int64_t>& current);

/// (mean_cur - mean_ref) / sd_ref. nullopt without values on either side, or when the reference
/// is constant (sd 0): no scale to measure by; PSI and KS still see the change.
std::optional<double> MeanShift(const Moments& reference, const Moments& current);

enum class Verdict { kStable, kWarn, kDrift, kInsufficientData };
std::string_view VerdictName(Verdict verdict);

struct DriftStats {
  std::int64_t reference_count = 0;
  std::int64_t current_count = 0;
  std::optional<double> psi;
  std::optional<double> ks;
  std::optional<double> mean_shift;
  int psi_groups = 0;  ///< the reference quantile groups PSI was computed over
  std::optional<double> psi_p;
  std::optional<double> ks_p;
  std::optional<double> mean_shift_p;
  Verdict verdict = Verdict::kInsufficientData;
};

/// The number of reference quantile groups PSI is computed over.
inline constexpr int kPsiGroups = 10;

/// The statistics of `reference` against `current`, their p-values and their verdict:
/// insufficient_data when either window holds fewer than min_sample values; drift when PSI (over
/// the reference's deciles) >= psi_alert, KS >= ks_alert or |mean shift| >= mean_shift_alert, that
/// statistic's p-value being below alpha; warn when PSI >= psi_warn with p below alpha; stable
/// otherwise. Large windows make every p-value small and leave the verdict to the effect sizes; small
/// ones keep sampling noise from reading as drift.
DriftStats CompareHistograms(const Histogram& reference, const Histogram& current, const DriftThresholds& thresholds);

}  // namespace faceloop::insights
