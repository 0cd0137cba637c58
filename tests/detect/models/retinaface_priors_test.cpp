// RetinaFace's priors and SSD decoding against values computed by hand from the definitions in
// retinaface_priors.hpp (biubug6/Pytorch_Retinaface's PriorBox and decode).
#include "detect/models/retinaface_priors.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace faceloop::detect {
namespace {

TEST(RetinaFacePriors, GridOrderIsRowThenColumnThenSize) {
  // 64 x 32 input, stride 16: ceil(64/16) = 4 columns, ceil(32/16) = 2 rows, 2 sizes.
  const PriorLevel level{16, {64.f, 128.f}};
  const std::vector<Prior> priors = LevelPriors(level, cv::Size(64, 32));
  ASSERT_EQ(priors.size(), 16u);
  EXPECT_EQ(LevelPriorCount(level, cv::Size(64, 32)), 16u);
  // Index = (row * 4 + column) * 2 + size.
  EXPECT_FLOAT_EQ(priors[0].cx, 8.f);
  EXPECT_FLOAT_EQ(priors[0].cy, 8.f);
  EXPECT_FLOAT_EQ(priors[0].size, 64.f);
  EXPECT_FLOAT_EQ(priors[1].size, 128.f);
  EXPECT_FLOAT_EQ(priors[2].cx, 24.f);  // column 1
  EXPECT_FLOAT_EQ(priors[7].cx, 56.f);  // column 3, size 128
  EXPECT_FLOAT_EQ(priors[7].size, 128.f);
  EXPECT_FLOAT_EQ(priors[8].cx, 8.f);  // row 1, column 0
  EXPECT_FLOAT_EQ(priors[8].cy, 24.f);
}

TEST(RetinaFacePriors, PartialCellsCountAsCells) {
  // 100 x 36 at stride 32: ceil(100/32) = 4 columns, ceil(36/32) = 2 rows.
  EXPECT_EQ(LevelPriorCount(PriorLevel{32, {256.f, 512.f}}, cv::Size(100, 36)), 16u);
  // The three RetinaFace levels on a 640 x 480 input: 80x60, 40x30 and 20x15 cells, 2 priors each.
  std::size_t total = 0;
  for (const PriorLevel& level : RetinaFaceLevels()) total += LevelPriorCount(level, cv::Size(640, 480));
  EXPECT_EQ(total, 2u * (80 * 60 + 40 * 30 + 20 * 15));
}

TEST(RetinaFacePriors, DecodesWithVariances) {
  const Prior prior{100.f, 50.f, 32.f};
  const float loc[] = {1.f, -0.5f, 0.f, std::log(2.f) / 0.2f};
  const Box box = DecodeBox(prior, loc);
  // Centre (100 + 1 * 0.1 * 32, 50 - 0.5 * 0.1 * 32) = (103.2, 48.4); size 32 x 64.
  EXPECT_FLOAT_EQ(box.width, 32.f);
  EXPECT_NEAR(box.height, 64.f, 1e-4f);
  EXPECT_NEAR(box.x, 103.2f - 16.f, 1e-4f);
  EXPECT_NEAR(box.y, 48.4f - 32.f, 1e-4f);
  const cv::Point2f point = DecodePoint(prior, -2.f, 3.f);
  EXPECT_NEAR(point.x, 100.f - 6.4f, 1e-4f);
  EXPECT_NEAR(point.y, 50.f + 9.6f, 1e-4f);
}

TEST(RetinaFacePriors, DecodesHeadRowsAboveTheThreshold) {
  // 32 x 32 input: 4x4x2 = 32 priors at stride 8, 2x2x2 = 8 at 16, 1x1x2 = 2 at 32.
  const cv::Size input(32, 32);
  std::vector<std::vector<float>> loc(3), conf(3), marks(3);
  std::vector<HeadRows> levels;
  for (std::size_t l = 0; l < 3; ++l) {
    const std::size_t rows = LevelPriorCount(RetinaFaceLevels()[l], input);
    loc[l].assign(rows * 4, 0.f);
    conf[l].assign(rows * 2, 0.f);
    marks[l].assign(rows * 10, 0.f);
    for (std::size_t r = 0; r < rows; ++r) conf[l][2 * r] = 5.f;  // background logit: P(face) ~ 0.007
  }
  // Level 1 (stride 16), cell row 1, column 0, size 128: prior 5 = (8, 24, 128). Logits (0, 2).
  conf[1][2 * 5] = 0.f;
  conf[1][2 * 5 + 1] = 2.f;
  marks[1][10 * 5 + 4] = 0.5f;  // nose dx: 8 + 0.5 * 0.1 * 128 = 14.4
  for (std::size_t l = 0; l < 3; ++l) {
    levels.push_back(HeadRows{loc[l].data(), conf[l].data(), marks[l].data(), loc[l].size() / 4});
  }
  std::vector<Face> faces;
  DecodeRetinaFace(levels, input, true, 0.5f, faces);
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_NEAR(faces[0].confidence, 1.f / (1.f + std::exp(-2.f)), 1e-6f);
  EXPECT_FLOAT_EQ(faces[0].box.x, 8.f - 64.f);
  EXPECT_FLOAT_EQ(faces[0].box.y, 24.f - 64.f);
  EXPECT_FLOAT_EQ(faces[0].box.width, 128.f);
  ASSERT_EQ(faces[0].landmarks.size(), 5u);
  EXPECT_EQ(faces[0].landmarks[2].type, "nose");
  EXPECT_NEAR(faces[0].landmarks[2].x, 14.4f, 1e-5f);
  EXPECT_FLOAT_EQ(faces[0].landmarks[2].y, 24.f);
  EXPECT_EQ(faces[0].landmarks[0].type, "right_eye");
  EXPECT_EQ(faces[0].landmarks[4].type, "mouth_left");

  // Probabilities (softmax already applied) are read as they are.
  conf[1][2 * 5] = 0.3f;
  conf[1][2 * 5 + 1] = 0.7f;
  faces.clear();
  DecodeRetinaFace(levels, input, false, 0.5f, faces);
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_FLOAT_EQ(faces[0].confidence, 0.7f);
}

TEST(RetinaFacePriors, RowCountsMustMatchThePriors) {
  std::vector<float> zeros(1000, 0.f);
  const std::vector<HeadRows> levels(3, HeadRows{zeros.data(), zeros.data(), zeros.data(), 7});
  std::vector<Face> faces;
  EXPECT_ANY_THROW(DecodeRetinaFace(levels, cv::Size(32, 32), true, 0.5f, faces));
}

}  // namespace
}  // namespace faceloop::detect
