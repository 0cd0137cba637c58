#include "insights/stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace faceloop::insights {
namespace {

constexpr double kZ975 = 1.959963984540054;  // the standard normal's 97.5th percentile

/// Lentz's continued fraction for I_x(a, b) (Numerical Recipes, betacf); converges for
/// x < (a + 1) / (a + b + 2).
double BetaContinuedFraction(double x, double a, double b) {
  constexpr double kTiny = 1e-300, kEpsilon = 1e-15;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 300; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    d = std::fabs(d) < kTiny ? 1 / kTiny : 1 / d;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    d = std::fabs(d) < kTiny ? 1 / kTiny : 1 / d;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    const double step = d * c;
    h *= step;
    if (std::fabs(step - 1) < kEpsilon) break;
  }
  return h;
}

}  // namespace

void PairSums::Add(const PairSums& other) {
  n += other.n;
  sx += other.sx;
  sy += other.sy;
  sxx += other.sxx;
  syy += other.syy;
  sxy += other.sxy;
}

double RegularizedBeta(double x, double a, double b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  // The fraction converges fast on one side of the mean; use the symmetry I_x(a,b) = 1 - I_1-x(b,a).
  if (x < (a + 1) / (a + b + 2)) return front * BetaContinuedFraction(x, a, b) / a;
  return 1 - front * BetaContinuedFraction(1 - x, b, a) / b;
}

double StudentTCdf(double t, double df) {
  if (std::isinf(t)) return t > 0 ? 1 : 0;
  const double tail = 0.5 * RegularizedBeta(df / (df + t * t), df / 2, 0.5);  // P(T > |t|)
  return t > 0 ? 1 - tail : tail;
}

double CorrelationPValue(double r, std::int64_t n) {
  const double df = static_cast<double>(n - 2);
  if (df <= 0) return 1;
  if (std::fabs(r) >= 1) return 0;
  const double t = r * std::sqrt(df / (1 - r * r));
  return std::clamp(2 * StudentTCdf(-std::fabs(t), df), 0.0, 1.0);
}

std::optional<Correlation> Correlate(const PairSums& s, CorrelationKind kind) {
  if (s.n < 4) return std::nullopt;
  const auto n = static_cast<double>(s.n);
  // Centered sums; clamped at 0 against rounding, and a constant side has no correlation.
  const double cxx = std::max(0.0, s.sxx - s.sx * s.sx / n);
  const double cyy = std::max(0.0, s.syy - s.sy * s.sy / n);
  const double cxy = s.sxy - s.sx * s.sy / n;
  if (cxx <= 1e-12 * std::max(1.0, s.sxx) || cyy <= 1e-12 * std::max(1.0, s.syy)) return std::nullopt;
  Correlation c;
  c.n = s.n;
  c.r = std::clamp(cxy / std::sqrt(cxx * cyy), -1.0, 1.0);
  const double variance = (kind == CorrelationKind::kSpearman ? 1.06 : 1.0) / (n - 3);
  const double z = std::atanh(std::clamp(c.r, -1 + 1e-15, 1 - 1e-15));
  c.low = std::tanh(z - kZ975 * std::sqrt(variance));
  c.high = std::tanh(z + kZ975 * std::sqrt(variance));
  c.p = CorrelationPValue(c.r, s.n);
  return c;
}

double BinnedCdf(const Histogram& histogram, double x) {
  const auto& edges = histogram.feature().edges;
  const auto& counts = histogram.counts();
  double total = 0, below = 0;
  for (std::size_t bin = 0; bin < counts.size(); ++bin) {
    const auto count = static_cast<double>(counts[bin]);
    total += count;
    const double lo = edges[bin], hi = edges[bin + 1];
    if (x >= hi) {
      below += count;
    } else if (x > lo) {
      below += count * (x - lo) / (hi - lo);
    }
  }
  return total > 0 ? below / total : 0;
}

std::optional<RobustCenter> BinnedMedianMad(const Histogram& histogram) {
  const auto median = histogram.Percentile(50);
  if (!median) return std::nullopt;
  // The MAD is the d with half the values within [median - d, median + d]: bisect on d (the mass
  // within grows with d).
  const auto& edges = histogram.feature().edges;
  double lo = 0, hi = edges.back() - edges.front();
  for (int i = 0; i < 100; ++i) {
    const double d = (lo + hi) / 2;
    const double within = BinnedCdf(histogram, *median + d) - BinnedCdf(histogram, *median - d);
    (within < 0.5 ? lo : hi) = d;
  }
  return RobustCenter{*median, hi};
}

std::optional<double> RobustZ(double x, const RobustCenter& center) {
  if (!(center.mad > 0)) return std::nullopt;
  return std::fabs(x - center.median) / (kMadScale * center.mad);
}

}  // namespace faceloop::insights
