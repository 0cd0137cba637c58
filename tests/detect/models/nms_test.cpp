#include "detect/models/nms.hpp"

#include <gtest/gtest.h>

namespace faceloop::detect {
namespace {

Face MakeFace(float x, float y, float size, float confidence) {
  Face face;
  face.box = Box{x, y, size, size};
  face.confidence = confidence;
  face.landmarks = {Landmark{"nose", x + size / 2, y + size / 2}};
  return face;
}

TEST(IoUTest, KnownOverlaps) {
  EXPECT_FLOAT_EQ(IoU(Box{0, 0, 10, 10}, Box{0, 0, 10, 10}), 1.f);
  EXPECT_FLOAT_EQ(IoU(Box{0, 0, 10, 10}, Box{5, 0, 10, 10}), 50.f / 150.f);
  EXPECT_FLOAT_EQ(IoU(Box{0, 0, 10, 10}, Box{20, 20, 5, 5}), 0.f);
  EXPECT_FLOAT_EQ(IoU(Box{0, 0, 0, 0}, Box{0, 0, 0, 0}), 0.f);
}

TEST(HardNmsTest, KeepsBestOfEachCluster) {
  const auto kept = HardNms({MakeFace(0, 0, 10, 0.6f), MakeFace(1, 0, 10, 0.9f), MakeFace(50, 50, 10, 0.7f)}, 0.3f);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_FLOAT_EQ(kept[0].confidence, 0.9f);
  EXPECT_FLOAT_EQ(kept[0].box.x, 1.f);
  EXPECT_FLOAT_EQ(kept[1].confidence, 0.7f);
}

TEST(HardNmsTest, ThresholdIsStrict) {
  // IoU of these two is exactly 1/3: at threshold 1/3 both stay, just below it one goes.
  const std::vector<Face> faces = {MakeFace(0, 0, 10, 0.9f), MakeFace(5, 0, 10, 0.8f)};
  EXPECT_EQ(HardNms(faces, 50.f / 150.f).size(), 2u);
  EXPECT_EQ(HardNms(faces, 0.33f).size(), 1u);
}

TEST(WeightedNmsTest, AveragesClusterByConfidence) {
  const auto kept = WeightedNms({MakeFace(0, 0, 10, 0.75f), MakeFace(2, 0, 10, 0.25f)}, 0.3f);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_FLOAT_EQ(kept[0].box.x, 0.5f);  // 0.75 * 0 + 0.25 * 2
  EXPECT_FLOAT_EQ(kept[0].landmarks[0].x, 5.5f);
  EXPECT_FLOAT_EQ(kept[0].confidence, 0.75f);
}

TEST(WeightedNmsTest, DegenerateBoxesTerminate) {
  const auto kept = WeightedNms({MakeFace(0, 0, 0, 0.5f), MakeFace(0, 0, 0, 0.4f)}, 0.3f);
  EXPECT_EQ(kept.size(), 2u);
}

TEST(WeightedNmsTest, EmptyInput) { EXPECT_TRUE(WeightedNms({}, 0.3f).empty()); }

}  // namespace
}  // namespace faceloop::detect
