#include "eval/average_precision.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/error.hpp"

namespace faceloop::eval {
namespace {

using detect::Box;
using detect::Face;

Face Det(Box box, float confidence) { return Face{box, confidence, {}}; }

AnnotatedImage Image(std::vector<GroundTruthFace> faces, std::vector<Box> ignore = {}) {
  AnnotatedImage image;
  image.file = "synthetic.jpg";
  image.width = 200;
  image.height = 200;
  image.faces = std::move(faces);
  image.ignore = std::move(ignore);
  return image;
}

constexpr Box kA{0, 0, 10, 10};
constexpr Box kB{50, 50, 20, 20};
constexpr Box kC{100, 100, 30, 30};
constexpr Box kFar{150, 0, 10, 10};

TEST(AveragePrecisionTest, PerfectDetectionsScoreOne) {
  ApEvaluator eval;
  eval.Add(Image({{kA, Difficulty::kEasy}, {kB, Difficulty::kEasy}}), {Det(kA, 0.9f), Det(kB, 0.6f)});
  eval.Add(Image({{kC, Difficulty::kEasy}}), {Det(kC, 0.3f)});
  const ApResult r = eval.Compute();
  EXPECT_DOUBLE_EQ(r.easy, 1.0);
  EXPECT_DOUBLE_EQ(r.medium, 1.0);
  EXPECT_DOUBLE_EQ(r.hard, 1.0);
  EXPECT_EQ(r.positives[static_cast<int>(Difficulty::kEasy)], 3);
  EXPECT_EQ(r.positives[static_cast<int>(Difficulty::kHard)], 3);
}

TEST(AveragePrecisionTest, OnlyFalsePositivesScoreZero) {
  ApEvaluator eval;
  eval.Add(Image({{kA, Difficulty::kEasy}}), {Det(kB, 0.9f), Det(kC, 0.8f)});
  EXPECT_DOUBLE_EQ(eval.Compute().easy, 0.0);
}

TEST(AveragePrecisionTest, NoDetectionsOrNoPositivesScoreZero) {
  ApEvaluator eval;
  EXPECT_DOUBLE_EQ(eval.Compute().easy, 0.0);
  eval.Add(Image({{kA, Difficulty::kEasy}}), {});
  EXPECT_DOUBLE_EQ(eval.Compute().easy, 0.0);
  ApEvaluator no_positives;
  no_positives.Add(Image({}), {Det(kA, 0.5f)});
  EXPECT_DOUBLE_EQ(no_positives.Compute().hard, 0.0);
}

// Sorted: FP (0.9) -> recall 0, precision 0; TP (0.8) -> recall 1, precision 1/2.
// Area = (1 - 0) * 1/2.
TEST(AveragePrecisionTest, FalsePositiveAboveTruePositiveHalvesAp) {
  ApEvaluator eval;
  eval.Add(Image({{kA, Difficulty::kEasy}}), {Det(kA, 0.8f), Det(kB, 0.9f)});
  EXPECT_DOUBLE_EQ(eval.Compute().easy, 0.5);
  const auto curve = eval.Curve(Difficulty::kEasy);
  ASSERT_EQ(curve.size(), 2u);
  EXPECT_DOUBLE_EQ(curve[0].recall, 0.0);
  EXPECT_DOUBLE_EQ(curve[0].precision, 0.0);
  EXPECT_DOUBLE_EQ(curve[1].recall, 1.0);
  EXPECT_DOUBLE_EQ(curve[1].precision, 0.5);
}

// Across images, 3 positives: TP .9 (r 1/3, p 1), FP .8 (r 1/3, p 1/2), TP .7 (r 2/3, p 2/3).
// Envelope 1, 2/3, 2/3 -> AP = 1/3 * 1 + 0 + 1/3 * 2/3 = 5/9.
TEST(AveragePrecisionTest, AccumulatesAcrossImages) {
  ApEvaluator eval;
  eval.Add(Image({{kA, Difficulty::kEasy}}), {Det(kA, 0.9f)});
  eval.Add(Image({{kB, Difficulty::kEasy}, {kC, Difficulty::kEasy}}), {Det(kFar, 0.8f), Det(kB, 0.7f)});
  EXPECT_NEAR(eval.Compute().easy, 5.0 / 9.0, 1e-12);
}

TEST(AveragePrecisionTest, DetectionOnIgnoreBoxCountsAsNothing) {
  const AnnotatedImage image = Image({{kA, Difficulty::kEasy}}, {kB});
  const std::vector<Face> dets = {Det(kB, 0.9f), Det(kA, 0.5f)};
  const auto matches = MatchImage(image, dets, Difficulty::kEasy);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_TRUE(matches[0].true_positive);
  ApEvaluator eval;
  eval.Add(image, dets);
  EXPECT_DOUBLE_EQ(eval.Compute().easy, 1.0);  // an FP at 0.9 would have given 0.5
}

TEST(AveragePrecisionTest, IgnoreBoxAbsorbsAnyNumberOfDetections) {
  const auto matches = MatchImage(Image({}, {kB}), {Det(kB, 0.9f), Det(kB, 0.8f), Det(kB, 0.7f)}, Difficulty::kHard);
  EXPECT_TRUE(matches.empty());
}

TEST(AveragePrecisionTest, HardFaceIsPositiveOnlyInHardSetting) {
  const AnnotatedImage image = Image({{kA, Difficulty::kEasy}, {kB, Difficulty::kHard}});
  const std::vector<Face> dets = {Det(kB, 0.9f), Det(kA, 0.8f)};
  EXPECT_EQ(MatchImage(image, dets, Difficulty::kEasy).size(), 1u);
  EXPECT_EQ(MatchImage(image, dets, Difficulty::kMedium).size(), 1u);
  const auto hard = MatchImage(image, dets, Difficulty::kHard);
  ASSERT_EQ(hard.size(), 2u);
  EXPECT_TRUE(hard[0].true_positive);
  EXPECT_TRUE(hard[1].true_positive);
  ApEvaluator eval;
  eval.Add(image, dets);
  const ApResult r = eval.Compute();
  EXPECT_DOUBLE_EQ(r.easy, 1.0);
  EXPECT_DOUBLE_EQ(r.hard, 1.0);
  EXPECT_EQ(r.positives[static_cast<int>(Difficulty::kEasy)], 1);
  EXPECT_EQ(r.positives[static_cast<int>(Difficulty::kMedium)], 1);
  EXPECT_EQ(r.positives[static_cast<int>(Difficulty::kHard)], 2);
}

TEST(AveragePrecisionTest, MediumFaceIsPositiveInMediumAndHard) {
  const AnnotatedImage image = Image({{kA, Difficulty::kMedium}});
  EXPECT_TRUE(MatchImage(image, {Det(kA, 0.5f)}, Difficulty::kEasy).empty());
  EXPECT_TRUE(MatchImage(image, {Det(kA, 0.5f)}, Difficulty::kMedium).at(0).true_positive);
  EXPECT_TRUE(MatchImage(image, {Det(kA, 0.5f)}, Difficulty::kHard).at(0).true_positive);
}

TEST(AveragePrecisionTest, FaceWithoutDifficultyIsIgnoredEverywhere) {
  ApEvaluator eval;
  eval.Add(Image({{kA, std::nullopt}}), {Det(kA, 0.9f)});
  for (Difficulty s : {Difficulty::kEasy, Difficulty::kMedium, Difficulty::kHard}) {
    EXPECT_TRUE(eval.Curve(s).empty());
    EXPECT_EQ(eval.Compute().positives[static_cast<int>(s)], 0);
  }
}

TEST(AveragePrecisionTest, DuplicateOnOneFaceIsFalsePositive) {
  const auto matches = MatchImage(Image({{kA, Difficulty::kEasy}}), {Det(kA, 0.7f), Det(kA, 0.9f)}, Difficulty::kEasy);
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_FLOAT_EQ(matches[0].confidence, 0.9f);
  EXPECT_TRUE(matches[0].true_positive);
  EXPECT_FALSE(matches[1].true_positive);
}

TEST(AveragePrecisionTest, PositivesAreTriedBeforeIgnoredRegions) {
  // The detection overlaps an ignore box exactly and the positive with IoU 0.9: still a TP.
  const Box det{0, 0, 10, 9};
  const auto matches = MatchImage(Image({{kA, Difficulty::kEasy}}, {det}), {Det(det, 0.9f)}, Difficulty::kEasy);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_TRUE(matches[0].true_positive);
}

TEST(AveragePrecisionTest, MatchesHighestIouAmongUnmatchedPositives) {
  // First detection equals face 1 but also overlaps face 0 (IoU 2/3); it must take face 1, leaving face
  // 0 for the second detection (IoU 7/13 with face 0, 1/3 with face 1).
  const Box face0{0, 0, 10, 10}, face1{2, 0, 10, 10};
  const auto matches = MatchImage(Image({{face0, Difficulty::kEasy}, {face1, Difficulty::kEasy}}),
                                  {Det(face1, 0.9f), Det(Box{-3, 0, 10, 10}, 0.8f)}, Difficulty::kEasy);
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_TRUE(matches[0].true_positive);
  EXPECT_TRUE(matches[1].true_positive);
}

TEST(AveragePrecisionTest, IouBoundaryIsInclusive) {
  // {0,0,10,20} vs {0,0,10,10}: intersection 100, union 200 -> IoU exactly 0.5.
  const AnnotatedImage image = Image({{kA, Difficulty::kEasy}});
  EXPECT_TRUE(MatchImage(image, {Det(Box{0, 0, 10, 20}, 0.5f)}, Difficulty::kEasy).at(0).true_positive);
  EXPECT_FALSE(MatchImage(image, {Det(Box{0, 0, 10, 20.5f}, 0.5f)}, Difficulty::kEasy).at(0).true_positive);
  // Same boundary for ignore boxes: at 0.5 dropped, just below an FP.
  const AnnotatedImage ignored = Image({}, {kA});
  EXPECT_TRUE(MatchImage(ignored, {Det(Box{0, 0, 10, 20}, 0.5f)}, Difficulty::kEasy).empty());
  EXPECT_EQ(MatchImage(ignored, {Det(Box{0, 0, 10, 20.5f}, 0.5f)}, Difficulty::kEasy).size(), 1u);
}

TEST(AveragePrecisionTest, TiedConfidencesFormOnePoint) {
  // TP and FP at the same confidence: one point (recall 1, precision 1/2) whatever their order.
  const auto curve = PrecisionRecallCurve({{0.5f, false}, {0.5f, true}}, 1);
  ASSERT_EQ(curve.size(), 1u);
  EXPECT_DOUBLE_EQ(curve[0].precision, 0.5);
  EXPECT_DOUBLE_EQ(AveragePrecision(curve), 0.5);
  EXPECT_DOUBLE_EQ(AveragePrecision(PrecisionRecallCurve({{0.5f, true}, {0.5f, false}}, 1)), 0.5);
}

TEST(AveragePrecisionTest, InterpolatesPrecisionFromTheRight) {
  // Envelope 1, .6, .6, .4 over recall steps of .25 -> .25 * 2.6.
  const std::vector<PrPoint> curve = {{0.25, 1.0}, {0.5, 0.5}, {0.75, 0.6}, {1.0, 0.4}};
  EXPECT_NEAR(AveragePrecision(curve), 0.65, 1e-12);
  EXPECT_DOUBLE_EQ(AveragePrecision({}), 0.0);
}

TEST(AveragePrecisionTest, NonFiniteConfidenceIsRejected) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  ApEvaluator eval;
  EXPECT_THROW(eval.Add(Image({{kA, Difficulty::kEasy}}), {Det(kA, nan)}), Error);
}

}  // namespace
}  // namespace faceloop::eval
