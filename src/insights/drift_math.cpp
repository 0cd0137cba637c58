#include "insights/drift_math.hpp"

#include <algorithm>
#include <cmath>

#include "insights/significance.hpp"

namespace faceloop::insights {
namespace {

std::int64_t Total(const std::vector<std::int64_t>& counts) {
  std::int64_t total = 0;
  for (const std::int64_t count : counts) total += count;
  return total;
}

bool Below(const std::optional<double>& p, double alpha) { return p && *p < alpha; }

}  // namespace

std::vector<std::size_t> QuantileGroupEnds(const std::vector<std::int64_t>& reference, int groups) {
  const std::int64_t total = Total(reference);
  std::vector<std::size_t> ends;
  if (total == 0 || groups < 1) return ends;
  std::int64_t below = 0;
  int next = 1;  // the quantile group whose upper edge is looked for
  for (std::size_t bin = 0; bin < reference.size(); ++bin) {
    below += reference[bin];
    if (below * groups < next * total) continue;
    ends.push_back(bin + 1);
    while (next <= groups && below * groups >= next * total) ++next;
  }
  ends.back() = reference.size();  // the reference's empty tail joins the last group
  return ends;
}

std::vector<std::int64_t> Regroup(const std::vector<std::int64_t>& counts, const std::vector<std::size_t>& ends) {
  std::vector<std::int64_t> grouped(ends.size(), 0);
  std::size_t group = 0;
  for (std::size_t bin = 0; bin < counts.size() && group < ends.size(); ++bin) {
    if (bin == ends[group]) ++group;
    if (group < ends.size()) grouped[group] += counts[bin];
  }
  return grouped;
}

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
  const Moments& ref = reference.moments();
  const Moments& cur = current.moments();
  stats.reference_count = ref.count;
  stats.current_count = cur.count;
  const std::vector<std::size_t> groups = QuantileGroupEnds(reference.counts(), kPsiGroups);
  stats.psi_groups = static_cast<int>(groups.size());
  stats.psi = Psi(Regroup(reference.counts(), groups), Regroup(current.counts(), groups));
  stats.ks = KsDistance(reference.counts(), current.counts());
  stats.mean_shift = MeanShift(ref, cur);
  if (stats.psi) stats.psi_p = PsiPValue(*stats.psi, stats.psi_groups, ref.count, cur.count);
  if (stats.ks) stats.ks_p = KsPValue(*stats.ks, ref.count, cur.count);
  if (stats.mean_shift) {
    stats.mean_shift_p =
        MeanDifferencePValue(*ref.Mean(), *ref.StdDev(), ref.count, *cur.Mean(), cur.StdDev().value_or(0), cur.count);
  }
  if (std::min(stats.reference_count, stats.current_count) < thresholds.min_sample) return stats;
  const double alpha = thresholds.alpha;
  const bool psi_significant = Below(stats.psi_p, alpha);
  const bool alert = (psi_significant && *stats.psi >= thresholds.psi_alert) ||
                     (Below(stats.ks_p, alpha) && *stats.ks >= thresholds.ks_alert) ||
                     (Below(stats.mean_shift_p, alpha) && std::abs(*stats.mean_shift) >= thresholds.mean_shift_alert);
  if (alert) {
    stats.verdict = Verdict::kDrift;
  } else if (psi_significant && *stats.psi >= thresholds.psi_warn) {
    stats.verdict = Verdict::kWarn;
  } else {
    stats.verdict = Verdict::kStable;
  }
  return stats;
}

}  // namespace faceloop::insights
