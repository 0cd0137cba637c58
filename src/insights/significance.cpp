#include "insights/significance.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace faceloop::insights {
namespace {

constexpr int kMaxTerms = 500;
constexpr double kRelativeTolerance = 1e-14;

/// P(a, x) by its power series: converges quickly for x < a + 1.
double LowerGammaSeries(double a, double x) {
  double term = 1 / a;
  double sum = term;
  for (int n = 1; n < kMaxTerms; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::abs(term) < std::abs(sum) * kRelativeTolerance) break;
  }
  return sum * std::exp(-x + a * std::log(x) - std::lgamma(a));
}

/// Q(a, x) by its continued fraction (modified Lentz): converges quickly for x >= a + 1.
double UpperGammaFraction(double a, double x) {
  constexpr double kTiny = std::numeric_limits<double>::min() / std::numeric_limits<double>::epsilon();
  double b = x + 1 - a;
  double c = 1 / kTiny;
  double d = 1 / b;
  double fraction = d;
  for (int n = 1; n < kMaxTerms; ++n) {
    const double an = -n * (n - a);
    b += 2;
    d = an * d + b;
    if (std::abs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double step = d * c;
    fraction *= step;
    if (std::abs(step - 1) < kRelativeTolerance) break;
  }
  return std::exp(-x + a * std::log(x) - std::lgamma(a)) * fraction;
}

}  // namespace

double ChiSquareSurvival(double x, double dof) {
  if (!(x > 0)) return 1;
  const double a = dof / 2;
  const double half = x / 2;
  if (half < a + 1) return std::clamp(1 - LowerGammaSeries(a, half), 0.0, 1.0);
  return std::clamp(UpperGammaFraction(a, half), 0.0, 1.0);
}

double KolmogorovSurvival(double lambda) {
  // The series alternates with quickly shrinking terms above ~0.2; below, K is 1 to double precision.
  if (lambda < 0.2) return 1;
  double sum = 0;
  for (int k = 1; k <= 100; ++k) {
    const double term = std::exp(-2.0 * k * k * lambda * lambda);
    sum += (k % 2 == 1 ? term : -term);
    if (term < 1e-16) break;
  }
  return std::clamp(2 * sum, 0.0, 1.0);
}

double NormalTwoSided(double z) { return std::erfc(std::abs(z) / std::sqrt(2.0)); }

double EffectiveSize(std::int64_t n1, std::int64_t n2) {
  if (n1 <= 0 || n2 <= 0) return 0;
  const auto a = static_cast<double>(n1);
  const auto b = static_cast<double>(n2);
  return a * b / (a + b);
}

double PsiPValue(double psi, int groups, std::int64_t n1, std::int64_t n2) {
  if (groups < 2) return 1;
  return ChiSquareSurvival(psi * EffectiveSize(n1, n2), groups - 1);
}

double KsPValue(double distance, std::int64_t n1, std::int64_t n2) {
  const double root = std::sqrt(EffectiveSize(n1, n2));
  if (root == 0) return 1;
  return KolmogorovSurvival((root + 0.12 + 0.11 / root) * distance);
}

double MeanDifferencePValue(double mean1, double sd1, std::int64_t n1, double mean2, double sd2, std::int64_t n2) {
  if (n1 <= 0 || n2 <= 0) return 1;
  const double se = std::sqrt(sd1 * sd1 / static_cast<double>(n1) + sd2 * sd2 / static_cast<double>(n2));
  if (!(se > 0)) return mean1 == mean2 ? 1 : 0;
  return NormalTwoSided((mean2 - mean1) / se);
}

}  // namespace faceloop::insights
