#include "detect/analysis/head_pose.hpp"

#include <cmath>
#include <numbers>
#include <string_view>

namespace faceloop::detect {
namespace {

constexpr float kDegrees = 180.f / std::numbers::pi_v<float>;

struct Point {
  float x = 0, y = 0;
};

std::optional<Point> Find(const std::vector<Landmark>& landmarks, std::string_view type) {
  for (const Landmark& point : landmarks) {
    if (point.type == type) return Point{point.x, point.y};
  }
  return std::nullopt;
}

std::optional<Point> Mouth(const std::vector<Landmark>& landmarks) {
  if (auto centre = Find(landmarks, "mouth")) return centre;
  const auto right = Find(landmarks, "mouth_right"), left = Find(landmarks, "mouth_left");
  if (!right || !left) return std::nullopt;
  return Point{(right->x + left->x) / 2, (right->y + left->y) / 2};
}

float Dot(Point a, Point b) { return a.x * b.x + a.y * b.y; }
Point Minus(Point a, Point b) { return {a.x - b.x, a.y - b.y}; }

}  // namespace

std::optional<HeadPose> EstimatePose(const std::vector<Landmark>& landmarks) {
  const auto right_eye = Find(landmarks, "right_eye"), left_eye = Find(landmarks, "left_eye");
  const auto nose = Find(landmarks, "nose");
  const auto mouth = Mouth(landmarks);
  if (!right_eye || !left_eye || !nose || !mouth) return std::nullopt;
  const Point eyes = Minus(*left_eye, *right_eye);
  const Point centre{(right_eye->x + left_eye->x) / 2, (right_eye->y + left_eye->y) / 2};
  // The face's own axes: "down" from the eyes' midpoint to the mouth, "right" (the image's, for an
  // upright face) perpendicular to it. Turning the head leaves that axis in place, so yaw and pitch
  // measured along it do not mix with each other or with roll.
  const Point to_mouth = Minus(*mouth, centre);
  const float eye_mouth = std::hypot(to_mouth.x, to_mouth.y);
  if (eye_mouth < 1e-3f) return std::nullopt;
  const Point down{to_mouth.x / eye_mouth, to_mouth.y / eye_mouth}, right{down.y, -down.x};
  const float half_eyes = Dot(eyes, right) / 2;
  if (half_eyes < 1e-3f) return std::nullopt;
  const Point to_nose = Minus(*nose, centre);
  const float yaw = std::atan(Dot(to_nose, right) / half_eyes / kNoseDepthPerHalfEyes);
  const float nose_fraction = Dot(to_nose, down) / eye_mouth;
  const float pitch = std::atan((kFrontalNoseFraction - nose_fraction) / (kNoseDepthPerEyeMouth * std::cos(yaw)));
  const float roll = std::atan2(eyes.y, eyes.x);
  return HeadPose{roll * kDegrees, yaw * kDegrees, pitch * kDegrees};
}

}  // namespace faceloop::detect
