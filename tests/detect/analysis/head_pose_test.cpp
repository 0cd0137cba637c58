// The pose estimate on landmarks projected from the face model head_pose.hpp describes: it must give
// back the angles the model was turned by (orthographic projection), and the documented signs.
#include "detect/analysis/head_pose.hpp"

#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

namespace faceloop::detect {
namespace {

struct Point3 {
  float x, y, z;  // x to the image's right, y down, z towards the camera; half eye distance = 1
};

float Radians(float degrees) { return degrees * std::numbers::pi_v<float> / 180.f; }

/// The five landmarks of the model face turned by yaw, then pitch, then roll (degrees), scaled by
/// 20 pixels per half eye distance and centred at (200, 100).
std::vector<Landmark> TurnedFace(float yaw, float pitch, float roll) {
  const float mouth_y = kEyeMouthPerHalfEyes;
  const std::vector<std::pair<std::string, Point3>> model = {
      {"right_eye", {-1, 0, 0}},
      {"left_eye", {1, 0, 0}},
      {"nose", {0, kFrontalNoseFraction * mouth_y, kNoseDepthPerHalfEyes}},
      {"mouth_right", {-0.8f, mouth_y, 0}},
      {"mouth_left", {0.8f, mouth_y, 0}}};
  const float cy = std::cos(Radians(yaw)), sy = std::sin(Radians(yaw));
  const float cp = std::cos(Radians(pitch)), sp = std::sin(Radians(pitch));
  const float cr = std::cos(Radians(roll)), sr = std::sin(Radians(roll));
  std::vector<Landmark> landmarks;
  for (const auto& [name, p] : model) {
    // Yaw about the vertical axis: a positive turn brings the nose (z > 0) to the image's right.
    const float x1 = p.x * cy + p.z * sy, z1 = -p.x * sy + p.z * cy;
    // Pitch about the horizontal axis: a positive turn (looking up) brings the nose up (y smaller).
    const float y2 = p.y * cp - z1 * sp;
    // Roll in the image plane: positive is clockwise on screen (y points down).
    const float x3 = x1 * cr - y2 * sr, y3 = x1 * sr + y2 * cr;
    landmarks.push_back(Landmark{name, 200 + 20 * x3, 100 + 20 * y3});
  }
  return landmarks;
}

TEST(HeadPose, FrontalFaceIsZero) {
  const auto pose = EstimatePose(TurnedFace(0, 0, 0));
  ASSERT_TRUE(pose);
  EXPECT_NEAR(pose->roll, 0, 1e-3);
  EXPECT_NEAR(pose->yaw, 0, 1e-3);
  EXPECT_NEAR(pose->pitch, 0, 1e-3);
}

TEST(HeadPose, RecoversEachAngleOnItsOwn) {
  for (float angle : {-40.f, -15.f, 10.f, 35.f}) {
    EXPECT_NEAR(EstimatePose(TurnedFace(angle, 0, 0))->yaw, angle, 0.01f);
    EXPECT_NEAR(EstimatePose(TurnedFace(0, angle, 0))->pitch, angle, 0.01f);
    EXPECT_NEAR(EstimatePose(TurnedFace(0, 0, angle))->roll, angle, 0.01f);
  }
}

TEST(HeadPose, RollDoesNotLeakIntoYawOrPitch) {
  const auto pose = EstimatePose(TurnedFace(25, 0, 30));
  ASSERT_TRUE(pose);
  EXPECT_NEAR(pose->roll, 30, 0.01f);
  EXPECT_NEAR(pose->yaw, 25, 0.01f);
  EXPECT_NEAR(pose->pitch, 0, 0.5f);
}

TEST(HeadPose, YawAndPitchTogether) {
  const auto both = EstimatePose(TurnedFace(20, 15, 0));
  ASSERT_TRUE(both);
  EXPECT_NEAR(both->yaw, 20, 0.01f);
  EXPECT_NEAR(both->pitch, 15, 0.01f);
  // The eye line itself does tilt in the image when a turned head looks up: roll reports that.
  EXPECT_NEAR(both->roll, std::atan(std::tan(Radians(20)) * std::sin(Radians(15))) * 180 / std::numbers::pi, 0.01);
}

TEST(HeadPose, MirroringFlipsYawAndRoll) {
  Face face;
  face.landmarks = TurnedFace(30, 10, 12);
  const Face mirrored = MirrorHorizontally(face, 400);
  const auto a = EstimatePose(face.landmarks), b = EstimatePose(mirrored.landmarks);
  EXPECT_NEAR(b->yaw, -a->yaw, 0.01f);
  EXPECT_NEAR(b->roll, -a->roll, 0.01f);
  EXPECT_NEAR(b->pitch, a->pitch, 0.01f);
}

TEST(HeadPose, AMouthCentreServesToo) {
  std::vector<Landmark> blazeface = TurnedFace(0, 20, 0);
  const Landmark right = blazeface[3], left = blazeface[4];
  blazeface.resize(3);
  blazeface.push_back(Landmark{"mouth", (right.x + left.x) / 2, (right.y + left.y) / 2});
  EXPECT_NEAR(EstimatePose(blazeface)->pitch, 20, 0.01f);
}

TEST(HeadPose, NeedsEyesNoseAndMouth) {
  std::vector<Landmark> landmarks = TurnedFace(0, 0, 0);
  landmarks.erase(landmarks.begin() + 2);  // the nose
  EXPECT_FALSE(EstimatePose(landmarks));
  EXPECT_FALSE(EstimatePose({}));
  std::vector<Landmark> collapsed = {{"right_eye", 5, 5}, {"left_eye", 5, 5}, {"nose", 5, 8}, {"mouth", 5, 10}};
  EXPECT_FALSE(EstimatePose(collapsed));
}

}  // namespace
}  // namespace faceloop::detect
