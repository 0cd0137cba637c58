#pragma once
// The drift statistics between a reference and a current histogram of one feature (same bins):
// population stability index, a binned Kolmogorov-Smirnov distance and the shift of the mean in
// reference standard deviations, and the verdict they give under DriftThresholds. Pure functions,
// checked against hand-computed values (tests/insights/drift_math_test.cpp).
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
  Verdict verdict = Verdict::kInsufficientData;
};

/// The statistics of `reference` against `current` and their verdict: insufficient_data when
/// either window holds fewer than min_sample values; drift when PSI >= psi_alert, KS >= ks_alert
/// or |mean shift| >= mean_shift_alert; warn when PSI >= psi_warn; stable otherwise.
DriftStats CompareHistograms(const Histogram& reference, const Histogram& current, const DriftThresholds& thresholds);

}  // namespace faceloop::insights
