// The statistics of correlations and outliers against values computed by hand (closed forms of
// Student's t for 1, 2 and 3 degrees of freedom, a small example worked on paper).
#include "insights/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "insights/features.hpp"

namespace faceloop::insights {
namespace {

PairSums SumsOf(const std::vector<double>& x, const std::vector<double>& y) {
  PairSums s;
  for (std::size_t i = 0; i < x.size(); ++i) {
    s.Add({1, x[i], y[i], x[i] * x[i], y[i] * y[i], x[i] * y[i]});
  }
  return s;
}

TEST(StatsTest, RegularizedBetaMatchesClosedForms) {
  EXPECT_NEAR(RegularizedBeta(0.4, 2, 3), 0.5248, 1e-12);  // binomial sum: P(Bin(4, 0.4) >= 2)
  EXPECT_NEAR(RegularizedBeta(0.3, 1, 4), 1 - std::pow(0.7, 4), 1e-12);
  EXPECT_NEAR(RegularizedBeta(0.3, 4, 1), std::pow(0.3, 4), 1e-12);
  EXPECT_NEAR(RegularizedBeta(0.9, 0.5, 0.5), 2 / M_PI * std::asin(std::sqrt(0.9)), 1e-12);
  EXPECT_EQ(RegularizedBeta(0, 2, 3), 0);
  EXPECT_EQ(RegularizedBeta(1, 2, 3), 1);
}

TEST(StatsTest, StudentTCdfMatchesClosedForms) {
  EXPECT_NEAR(StudentTCdf(-0.3, 1), 0.5 + std::atan(-0.3) / M_PI, 1e-12);  // Cauchy
  EXPECT_NEAR(StudentTCdf(1.5, 2), 0.5 + 1.5 / (2 * std::sqrt(2 + 2.25)), 1e-12);
  EXPECT_NEAR(StudentTCdf(0, 7), 0.5, 1e-12);
  // Large df tends to the normal: P(Z <= 1.96) = 0.9750021.
  EXPECT_NEAR(StudentTCdf(1.959963984540054, 1e7), 0.975, 1e-6);
}

TEST(StatsTest, PearsonWithIntervalAndPValue) {
  // x = 1..5, y = 2 4 5 4 5: centred sums 6, 10, 6, so r = 6 / sqrt(60).
  const auto c = Correlate(SumsOf({1, 2, 3, 4, 5}, {2, 4, 5, 4, 5}), CorrelationKind::kPearson);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->n, 5);
  EXPECT_NEAR(c->r, 6 / std::sqrt(60.0), 1e-12);
  // t = r sqrt(3 / (1 - r^2)) = 2.1213 with 3 degrees of freedom (closed form of the t CDF).
  EXPECT_NEAR(c->p, 0.12402706265755459, 1e-9);
  // tanh(atanh(r) -+ 1.96 / sqrt(2))
  EXPECT_NEAR(c->low, -0.34008203518751035, 1e-9);
  EXPECT_NEAR(c->high, 0.9842357551507267, 1e-9);
}

TEST(StatsTest, SpearmanIsPearsonOfAverageRanksWithItsWiderInterval) {
  // y's ranks with ties averaged: 1 2.5 4.5 2.5 4.5.
  const auto c = Correlate(SumsOf({1, 2, 3, 4, 5}, {1, 2.5, 4.5, 2.5, 4.5}), CorrelationKind::kSpearman);
  ASSERT_TRUE(c);
  EXPECT_NEAR(c->r, 0.7378647873726218, 1e-12);
  EXPECT_NEAR(c->p, 0.15461852312844915, 1e-9);
  EXPECT_NEAR(c->low, -0.4471235635999793, 1e-9);  // standard error sqrt(1.06 / (n - 3))
  EXPECT_NEAR(c->high, 0.9827649535021883, 1e-9);
}

TEST(StatsTest, NoCorrelationWithoutVariationOrPairs) {
  EXPECT_FALSE(Correlate(SumsOf({1, 2, 3, 4, 5}, {3, 3, 3, 3, 3}), CorrelationKind::kPearson));
  EXPECT_FALSE(Correlate(SumsOf({1, 2, 3}, {1, 2, 3}), CorrelationKind::kPearson));
  const auto perfect = Correlate(SumsOf({1, 2, 3, 4}, {8, 6, 4, 2}), CorrelationKind::kPearson);
  ASSERT_TRUE(perfect);
  EXPECT_NEAR(perfect->r, -1, 1e-12);
  EXPECT_EQ(perfect->p, 0);
}

TEST(StatsTest, MedianAndMadFromBinsAndRobustZ) {
  // 200 values spread evenly over [0.2, 0.6): ten in each 0.02-wide bin, so the even-spread
  // assumption holds and the median is 0.4, the MAD 0.1.
  Histogram histogram(*FindFeature("image.brightness"));
  for (int i = 0; i < 200; ++i) histogram.Add(0.2 + 0.002 * (i + 0.5));
  const auto center = BinnedMedianMad(histogram);
  ASSERT_TRUE(center);
  EXPECT_NEAR(center->median, 0.4, 1e-9);
  EXPECT_NEAR(center->mad, 0.1, 1e-9);
  EXPECT_NEAR(BinnedCdf(histogram, 0.3), 0.25, 1e-12);
  EXPECT_NEAR(*RobustZ(0.7, *center), 0.3 / (1.4826 * 0.1), 1e-9);
  EXPECT_NEAR(*RobustZ(0.1, *center), 0.3 / (1.4826 * 0.1), 1e-9);
  EXPECT_FALSE(RobustZ(0.7, RobustCenter{0.4, 0}));
  EXPECT_FALSE(BinnedMedianMad(Histogram(*FindFeature("image.brightness"))));
}

}  // namespace
}  // namespace faceloop::insights
