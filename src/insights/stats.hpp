#pragma once
// The statistics of the correlations and outliers insights, as pure functions over sums that the
// database computes (nothing here sees a record): Pearson's r from the six sums of a pair, its
// Fisher-z 95 % interval and two-sided t-test p-value (Student's t CDF from the regularized
// incomplete beta function, no normal approximation), and the median and MAD of a binned
// distribution for robust z-scores.
#include <cstdint>
#include <optional>

#include "insights/histogram.hpp"

namespace faceloop::insights {

/// The sums over n pairs (x, y) that Pearson's r needs; for Spearman's rho, of their ranks.
struct PairSums {
  std::int64_t n = 0;
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;

  void Add(const PairSums& other);
};

/// A correlation coefficient with its 95 % interval and two-sided p-value (H0: no correlation).
struct Correlation {
  std::int64_t n = 0;
  double r = 0;
  double low = 0;   ///< 95 % interval (Fisher z)
  double high = 0;  ///< 95 % interval (Fisher z)
  double p = 1;     ///< t = r sqrt((n-2)/(1-r^2)) with n-2 degrees of freedom
};

/// Which interval: Pearson's (standard error 1/sqrt(n-3)) or Spearman's (sqrt(1.06/(n-3)),
/// Fieller, Hartley & Pearson 1957).
enum class CorrelationKind { kPearson, kSpearman };

/// r from the sums, then its interval and p-value; nullopt with fewer than 4 pairs or when x or y
/// is constant (r undefined).
std::optional<Correlation> Correlate(const PairSums& sums, CorrelationKind kind);

/// The regularized incomplete beta function I_x(a, b) (continued fraction, Numerical Recipes 6.4).
double RegularizedBeta(double x, double a, double b);
/// P(T <= t) for Student's t with `df` degrees of freedom.
double StudentTCdf(double t, double df);
/// Two-sided p-value of the correlation r over n pairs.
double CorrelationPValue(double r, std::int64_t n);

/// A distribution's median and median absolute deviation.
struct RobustCenter {
  double median = 0;
  double mad = 0;
};

/// From a binned distribution, values taken as spread evenly within each bin: both are off by at
/// most about a bin's width. nullopt without values.
std::optional<RobustCenter> BinnedMedianMad(const Histogram& histogram);
/// The fraction of the histogram's values below `x` (values spread evenly within each bin).
double BinnedCdf(const Histogram& histogram, double x);

/// The scale that makes the MAD estimate a normal distribution's standard deviation.
inline constexpr double kMadScale = 1.4826;
/// |x - median| / (1.4826 MAD); nullopt when the MAD is 0 (a constant feature has no scale).
std::optional<double> RobustZ(double x, const RobustCenter& center);

}  // namespace faceloop::insights
