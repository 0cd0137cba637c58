// PSI, binned KS and mean shift against values computed by hand, and the verdict's thresholds.
#include "insights/drift_math.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace faceloop::insights {
namespace {

TEST(DriftMathTest, PsiOfTwoBins) {
  // p = (0.5, 0.5), q = (0.25, 0.75): (0.25 - 0.5) ln(0.5) + (0.75 - 0.5) ln(1.5).
  EXPECT_NEAR(*Psi({50, 50}, {25, 75}), 0.25 * std::log(2.0) + 0.25 * std::log(1.5), 1e-12);
  EXPECT_NEAR(*Psi({50, 50}, {25, 75}), 0.274653072, 1e-9);
  EXPECT_DOUBLE_EQ(*Psi({10, 20, 30}, {1, 2, 3}), 0.0);  // same shares, any sizes
}

TEST(DriftMathTest, PsiTakesEpsilonForAnEmptyBin) {
  // p = (1, 0 -> 1e-4), q = (0.5, 0.5): (0.5 - 1) ln(0.5) + (0.5 - 1e-4) ln(0.5 / 1e-4).
  EXPECT_NEAR(*Psi({100, 0}, {50, 50}), 4.604318467, 1e-8);
  EXPECT_DOUBLE_EQ(*Psi({100, 0, 0}, {100, 0, 0}), 0.0);  // bins empty on both sides add nothing
}

TEST(DriftMathTest, PsiAndKsNeedValuesOnBothSides) {
  EXPECT_FALSE(Psi({0, 0}, {1, 2}).has_value());
  EXPECT_FALSE(Psi({1, 2}, {0, 0}).has_value());
  EXPECT_FALSE(KsDistance({0, 0}, {1, 2}).has_value());
}

TEST(DriftMathTest, KsIsTheLargestGapOfTheCumulativeShares) {
  // F_ref = (0.5, 1), F_cur = (0.25, 1).
  EXPECT_DOUBLE_EQ(*KsDistance({50, 50}, {25, 75}), 0.25);
  // F_ref = (0.1, 0.5, 1), F_cur = (0.4, 0.6, 1): gaps 0.3, 0.1, 0.
  EXPECT_NEAR(*KsDistance({1, 4, 5}, {4, 2, 4}), 0.3, 1e-12);
  EXPECT_DOUBLE_EQ(*KsDistance({0, 10}, {10, 0}), 1.0);
}

TEST(DriftMathTest, MeanShiftInReferenceStandardDeviations) {
  // Reference {1, 3}: mean 2, sd 1; current {4}: mean 4.
  EXPECT_DOUBLE_EQ(*MeanShift(Moments{2, 4, 10}, Moments{1, 4, 16}), 2.0);
  EXPECT_DOUBLE_EQ(*MeanShift(Moments{2, 4, 10}, Moments{2, 2, 2}), -1.0);    // current {1, 1}
  EXPECT_FALSE(MeanShift(Moments{2, 6, 18}, Moments{1, 4, 16}).has_value());  // constant reference {3, 3}
  EXPECT_FALSE(MeanShift(Moments{}, Moments{1, 4, 16}).has_value());
}

/// `count` values of `value` in `histogram`.
void AddMany(Histogram& histogram, double value, int count) {
  for (int i = 0; i < count; ++i) histogram.Add(value);
}

class VerdictTest : public ::testing::Test {
 protected:
  const Feature& feature_ = *FindFeature("image.brightness");  // bins 0.02 wide
  Histogram reference_{feature_};
  Histogram current_{feature_};
  DriftThresholds thresholds_;
};

TEST_F(VerdictTest, SameDistributionIsStable) {
  AddMany(reference_, 0.41, 100);
  AddMany(reference_, 0.61, 100);
  AddMany(current_, 0.41, 50);
  AddMany(current_, 0.61, 50);
  const DriftStats stats = CompareHistograms(reference_, current_, thresholds_);
  EXPECT_EQ(stats.verdict, Verdict::kStable);
  EXPECT_EQ(stats.reference_count, 200);
  EXPECT_EQ(stats.current_count, 100);
  EXPECT_DOUBLE_EQ(*stats.psi, 0.0);
  EXPECT_DOUBLE_EQ(*stats.ks, 0.0);
  EXPECT_NEAR(*stats.mean_shift, 0.0, 1e-9);
}

TEST_F(VerdictTest, TooFewValuesOnEitherSideGiveNoVerdict) {
  AddMany(reference_, 0.41, 100);
  AddMany(current_, 0.91, 99);  // far off, but one value short
  const DriftStats stats = CompareHistograms(reference_, current_, thresholds_);
  EXPECT_EQ(stats.verdict, Verdict::kInsufficientData);
  EXPECT_DOUBLE_EQ(*stats.ks, 1.0);  // the statistics are still reported
  thresholds_.min_sample = 99;
  EXPECT_EQ(CompareHistograms(reference_, current_, thresholds_).verdict, Verdict::kDrift);
}

/// Reference shares (0.5, 0.5) in two adjacent bins, current (0.35, 0.65): KS 0.15,
/// PSI = 0.15 ln(0.65 / 0.35) = 0.0929, mean shift (0.423 - 0.42) / 0.01 = 0.3.
class ShiftedTest : public VerdictTest {
 protected:
  void SetUp() override {
    AddMany(reference_, 0.41, 500);
    AddMany(reference_, 0.43, 500);
    AddMany(current_, 0.41, 350);
    AddMany(current_, 0.43, 650);
  }
};

TEST_F(ShiftedTest, StatisticsMatchTheirHandComputedValues) {
  const DriftStats stats = CompareHistograms(reference_, current_, thresholds_);
  EXPECT_NEAR(*stats.psi, 0.15 * std::log(0.65 / 0.35), 1e-9);
  EXPECT_NEAR(*stats.ks, 0.15, 1e-9);
  EXPECT_NEAR(*stats.mean_shift, 0.3, 1e-6);
  EXPECT_EQ(stats.verdict, Verdict::kDrift);  // ks 0.15 >= ks_alert 0.1
}

TEST_F(ShiftedTest, ThresholdsDecideBetweenStableWarnAndDrift) {
  thresholds_.ks_alert = 0.2;
  thresholds_.mean_shift_alert = 1.0;
  EXPECT_EQ(CompareHistograms(reference_, current_, thresholds_).verdict, Verdict::kStable);  // psi 0.093 < 0.1
  thresholds_.psi_warn = 0.09;
  EXPECT_EQ(CompareHistograms(reference_, current_, thresholds_).verdict, Verdict::kWarn);
  thresholds_.psi_alert = 0.09;
  EXPECT_EQ(CompareHistograms(reference_, current_, thresholds_).verdict, Verdict::kDrift);
}

TEST_F(ShiftedTest, PValuesAreReported) {
  const DriftStats stats = CompareHistograms(reference_, current_, thresholds_);
  EXPECT_EQ(stats.psi_groups, 2);
  EXPECT_LT(*stats.psi_p, 1e-9);  // PSI 0.093 x 500 = 46 on one degree of freedom
  EXPECT_LT(*stats.ks_p, 1e-9);
  EXPECT_LT(*stats.mean_shift_p, 1e-9);
}

/// The same shares as ShiftedTest in a tenth of the values: KS 0.15 over 100 against 100 is within
/// chance (p ~ 0.2), so no verdict rests on it.
TEST_F(VerdictTest, SmallSamplesNeedSignificance) {
  AddMany(reference_, 0.41, 50);
  AddMany(reference_, 0.43, 50);
  AddMany(current_, 0.41, 35);
  AddMany(current_, 0.43, 65);
  const DriftStats stats = CompareHistograms(reference_, current_, thresholds_);
  EXPECT_NEAR(*stats.ks, 0.15, 1e-9);
  EXPECT_GT(*stats.ks_p, 0.1);
  EXPECT_GT(*stats.psi_p, thresholds_.alpha);
  EXPECT_EQ(stats.verdict, Verdict::kStable);
  thresholds_.alpha = 0.5;  // a lax alpha lets KS 0.15 >= 0.1 count again
  EXPECT_EQ(CompareHistograms(reference_, current_, thresholds_).verdict, Verdict::kDrift);
}

TEST(QuantileGroupsTest, BinsMergeIntoRunsOfEqualReferenceShare) {
  const std::vector<std::int64_t> reference = {0, 10, 10, 0, 10, 0};
  const std::vector<std::size_t> ends = QuantileGroupEnds(reference, 3);
  EXPECT_EQ(ends, (std::vector<std::size_t>{2, 3, 6}));  // leading and trailing empty bins join the ends
  EXPECT_EQ(Regroup({1, 2, 3, 4, 5, 6}, ends), (std::vector<std::int64_t>{3, 3, 15}));
  EXPECT_EQ(QuantileGroupEnds({0, 30, 0}, 10), (std::vector<std::size_t>{3}));  // one value: one group
  EXPECT_TRUE(QuantileGroupEnds({0, 0}, 10).empty());
}

TEST_F(ShiftedTest, MeanShiftAloneCanGiveDrift) {
  thresholds_.ks_alert = 1;
  thresholds_.psi_warn = thresholds_.psi_alert = 1;
  thresholds_.mean_shift_alert = 0.31;
  EXPECT_EQ(CompareHistograms(reference_, current_, thresholds_).verdict, Verdict::kStable);
  thresholds_.mean_shift_alert = 0.29;
  EXPECT_EQ(CompareHistograms(reference_, current_, thresholds_).verdict, Verdict::kDrift);
  EXPECT_EQ(VerdictName(Verdict::kInsufficientData), "insufficient_data");
}

}  // namespace
}  // namespace faceloop::insights
