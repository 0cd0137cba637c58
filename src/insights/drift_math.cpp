#include "insights/drift_math.hpp"

#include <algorithm>
#include <cmath>

namespace faceloop::insights {
namespace {

std::int64_t Total(const std::vector<std::int64_t>& counts) {
  std::int64_t total = 0;
  for (const std::int64_t count : counts) total += count;
  return total;
}

}  // namespace

std::optional<double> Psi(const std::vector<std::int64_t>& reference, const std::vector<std::int64_t>& current) {
  const auto n_ref = static_cast<double>(Total(reference));
  const auto n_cur = static_cast<double>(Total(current));
  if (n_ref == 0 || n_cur == 0) return std::nullopt;
  double psi = 0;
  for (std::size_t bin = 0; bin < reference.size() && bin < current.size(); ++bin) {
    if (reference[bin] == 0 && current[bin] == 0) continue;  // adds 0: equal epsilons
    const double p = std::max(static_cast<double>(reference[bin]) / n_ref, kPsiEpsilon);
    const double q = std::max(static_cast<double>(current[bin]) / n_cur, kPsiEpsilon);
    psi += (q - p) * std::log(q / p);
  }
  return psi;
}

std::optional<double> KsDistance(const std::vector<std::int64_t>& reference, const std::vector<std::int64_t>& current) {
  const auto n_ref = static_cast<double>(Total(reference));
  const auto n_cur = static_cast<double>(Total(current));
  if (n_ref == 0 || n_cur == 0) return std::nullopt;
  double below_ref = 0, below_cur = 0, distance = 0;
  for (std::size_t bin = 0; bin < reference.size() && bin < current.size(); ++bin) {
    below_ref += static_cast<double>(reference[bin]);
    below_cur += static_cast<double>(current[bin]);
    distance = std::max(distance, std::abs(below_ref / n_ref - below_cur / n_cur));
  }
  return distance;
}

std::optional<double> MeanShift(const Moments& reference, const Moments& current) {
  const auto mean_ref = reference.Mean();
  const auto mean_cur = current.Mean();
  const auto sd_ref = reference.StdDev();
  if (!mean_ref || !mean_cur || !sd_ref || *sd_ref <= 0) return std::nullopt;
  return (*mean_cur - *mean_ref) / *sd_ref;
}

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kStable: return "stable";
    case Verdict::kWarn: return "warn";
    case Verdict::kDrift: return "drift";
    case Verdict::kInsufficientData: break;
  }
  return "insufficient_data";
}

DriftStats CompareHistograms(const Histogram& reference, const Histogram& current, const DriftThresholds& thresholds) {
  DriftStats stats;
  stats.reference_count = reference.moments().count;
  stats.current_count = current.moments().count;
  stats.psi = Psi(reference.counts(), current.counts());
  stats.ks = KsDistance(reference.counts(), current.counts());
  stats.mean_shift = MeanShift(reference.moments(), current.moments());
  if (std::min(stats.reference_count, stats.current_count) < thresholds.min_sample) return stats;
  const bool alert = stats.psi.value_or(0) >= thresholds.psi_alert || stats.ks.value_or(0) >= thresholds.ks_alert ||
                     std::abs(stats.mean_shift.value_or(0)) >= thresholds.mean_shift_alert;
  if (alert) {
    stats.verdict = Verdict::kDrift;
  } else {
    stats.verdict = stats.psi.value_or(0) >= thresholds.psi_warn ? Verdict::kWarn : Verdict::kStable;
  }
  return stats;
}

}  // namespace faceloop::insights
