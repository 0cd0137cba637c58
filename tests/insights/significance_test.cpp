// Tail probabilities against tabulated critical values.
#include "insights/significance.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace faceloop::insights {
namespace {

TEST(SignificanceTest, ChiSquareSurvivalAtTabulatedCriticalValues) {
  EXPECT_NEAR(ChiSquareSurvival(3.841459, 1), 0.05, 1e-6);
  EXPECT_NEAR(ChiSquareSurvival(18.307038, 10), 0.05, 1e-6);
  EXPECT_NEAR(ChiSquareSurvival(27.877165, 9), 0.001, 1e-7);
  EXPECT_NEAR(ChiSquareSurvival(2.0, 2), std::exp(-1.0), 1e-12);  // two degrees: exp(-x / 2)
  EXPECT_NEAR(ChiSquareSurvival(0.5, 30), 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(ChiSquareSurvival(0, 3), 1.0);
}

TEST(SignificanceTest, KolmogorovSurvivalAtTabulatedCriticalValues) {
  EXPECT_NEAR(KolmogorovSurvival(1.358099), 0.05, 1e-5);
  EXPECT_NEAR(KolmogorovSurvival(1.627624), 0.01, 1e-5);
  EXPECT_NEAR(KolmogorovSurvival(1.949586), 0.001, 1e-6);
  EXPECT_DOUBLE_EQ(KolmogorovSurvival(0.1), 1.0);
}

TEST(SignificanceTest, NormalAndMeanDifference) {
  EXPECT_NEAR(NormalTwoSided(1.959964), 0.05, 1e-6);
  EXPECT_NEAR(NormalTwoSided(-1.959964), 0.05, 1e-6);
  // means 0 and 0.2, sd 1, 100 values each: z = 0.2 / sqrt(0.02) = 1.414
  EXPECT_NEAR(MeanDifferencePValue(0, 1, 100, 0.2, 1, 100), NormalTwoSided(0.2 / std::sqrt(0.02)), 1e-12);
  EXPECT_DOUBLE_EQ(MeanDifferencePValue(1, 0, 10, 1, 0, 10), 1.0);  // two constant, equal samples
  EXPECT_DOUBLE_EQ(MeanDifferencePValue(1, 0, 10, 2, 0, 10), 0.0);  // two constant, different ones
}

TEST(SignificanceTest, TwoSampleScaling) {
  EXPECT_DOUBLE_EQ(EffectiveSize(100, 300), 75.0);
  EXPECT_DOUBLE_EQ(EffectiveSize(0, 300), 0.0);
  // PSI 0.1 over 10 groups, 100 against 300: chi-square 7.5 on 9 degrees, well within chance.
  EXPECT_NEAR(PsiPValue(0.1, 10, 100, 300), ChiSquareSurvival(7.5, 9), 1e-12);
  EXPECT_GT(PsiPValue(0.1, 10, 100, 300), 0.5);
  EXPECT_LT(PsiPValue(0.1, 10, 10000, 30000), 1e-9);
  EXPECT_DOUBLE_EQ(PsiPValue(5, 1, 100, 100), 1.0);  // one group: no degrees of freedom
  EXPECT_GT(KsPValue(0.1, 100, 300), 0.3);
  EXPECT_LT(KsPValue(0.1, 10000, 30000), 1e-9);
}

}  // namespace
}  // namespace faceloop::insights
