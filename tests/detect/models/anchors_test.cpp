#include "detect/models/anchors.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace faceloop::detect {
namespace {

/// An NHWC head map filled with `value`.
struct Map {
  Map(int channels, int height, int width, float value = -50.f)
      : shape{height, width, channels}, values(static_cast<std::size_t>(shape.Elements()), value) {}
  operator nn::TensorView() const { return {values.data(), shape}; }  // NOLINT: a test convenience
  nn::Shape shape;
  std::vector<float> values;
};

float& At(Map& map, int c, int y, int x) {
  return map.values[static_cast<std::size_t>((y * map.shape.width + x) * map.shape.channels + c)];
}

TEST(AnchorsTest, AnchorCentresSitMidCell) {
  EXPECT_EQ(AnchorCenter(0, 0, 4.f), cv::Point2f(2.f, 2.f));
  EXPECT_EQ(AnchorCenter(3, 1, 8.f), cv::Point2f(28.f, 12.f));
}

TEST(AnchorsTest, DecodesOffsetsInInputPixels) {
  // 2x2 grid over a 16x16 input: stride 8. One anchor per cell, one keypoint.
  const HeadLayout layout{1, 1, 1};
  Map scores(1, 2, 2);
  Map regs(6, 2, 2, 0.f);
  At(scores, 0, 1, 0) = 0.f;  // sigmoid(0) = 0.5 at cell (x=0, y=1)
  At(regs, 0, 1, 0) = 1.f;    // dx
  At(regs, 1, 1, 0) = -2.f;   // dy
  At(regs, 2, 1, 0) = 6.f;    // w
  At(regs, 3, 1, 0) = 4.f;    // h
  At(regs, 4, 1, 0) = 3.f;    // keypoint dx
  At(regs, 5, 1, 0) = 0.5f;   // keypoint dy
  std::vector<Face> faces;
  DecodeHead(scores, regs, layout, cv::Size(16, 16), 0.4f, faces);
  ASSERT_EQ(faces.size(), 1u);
  // Anchor centre (4, 12); box centre (5, 10), size 6x4.
  EXPECT_FLOAT_EQ(faces[0].confidence, 0.5f);
  EXPECT_FLOAT_EQ(faces[0].box.x, 2.f);
  EXPECT_FLOAT_EQ(faces[0].box.y, 8.f);
  EXPECT_FLOAT_EQ(faces[0].box.width, 6.f);
  EXPECT_FLOAT_EQ(faces[0].box.height, 4.f);
  ASSERT_EQ(faces[0].landmarks.size(), 1u);
  EXPECT_EQ(faces[0].landmarks[0].type, "right_eye");
  EXPECT_FLOAT_EQ(faces[0].landmarks[0].x, 7.f);
  EXPECT_FLOAT_EQ(faces[0].landmarks[0].y, 12.5f);
}

TEST(AnchorsTest, ScoreThresholdFilters) {
  const HeadLayout layout{2, 1, 0};
  Map scores(2, 1, 1);
  At(scores, 0, 0, 0) = std::log(0.3f / 0.7f);
  At(scores, 1, 0, 0) = std::log(0.8f / 0.2f);
  std::vector<Face> faces;
  DecodeHead(scores, Map(8, 1, 1, 1.f), layout, cv::Size(16, 16), 0.5f, faces);
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_NEAR(faces[0].confidence, 0.8f, 1e-5);
}

TEST(AnchorsTest, DepthToSpaceLayout) {
  // A 1x1 coarse map with block 2 is a 2x2 fine grid; channel group (y%2)*2 + x%2 feeds fine cell
  // (x, y). Fine cell (1, 0) is group 1; a 16x16 input gives stride 8, anchor centre (12, 4).
  const HeadLayout layout{1, 2, 0};
  Map scores(4, 1, 1);
  At(scores, 1, 0, 0) = 5.f;
  Map regs(16, 1, 1, 0.f);
  At(regs, 4 + 2, 0, 0) = 2.f;  // group 1, w
  At(regs, 4 + 3, 0, 0) = 2.f;  // group 1, h
  std::vector<Face> faces;
  DecodeHead(scores, regs, layout, cv::Size(16, 16), 0.5f, faces);
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_FLOAT_EQ(faces[0].box.x, 11.f);
  EXPECT_FLOAT_EQ(faces[0].box.y, 3.f);
}

TEST(AnchorsTest, RejectsMismatchedShapes) {
  std::vector<Face> faces;
  EXPECT_ANY_THROW(DecodeHead(Map(2, 2, 2), Map(5, 2, 2), HeadLayout{1, 1, 6}, cv::Size(16, 16), 0.5f, faces));
}

}  // namespace
}  // namespace faceloop::detect
