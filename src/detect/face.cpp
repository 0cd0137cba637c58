#include "detect/face.hpp"

#include <algorithm>
#include <string>

namespace faceloop::detect {

float IoU(const Box& a, const Box& b) {
  const float x1 = std::max(a.x, b.x);
  const float y1 = std::max(a.y, b.y);
  const float x2 = std::min(a.x + a.width, b.x + b.width);
  const float y2 = std::min(a.y + a.height, b.y + b.height);
  const float inter = Box{x1, y1, x2 - x1, y2 - y1}.area();
  const float uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.f;
}

namespace {

/// "right_eye" -> "left_eye", "mouth_right" -> "mouth_left"; empty when the name has no "right".
std::string LeftCounterpart(const std::string& name) {
  const auto at = name.find("right");
  if (at == std::string::npos) return {};
  return name.substr(0, at) + "left" + name.substr(at + 5);
}

}  // namespace

std::string_view FaceSizeName(FaceSize size) {
  switch (size) {
    case FaceSize::kTiny: return "tiny";
    case FaceSize::kSmall: return "small";
    case FaceSize::kMedium: return "medium";
    case FaceSize::kLarge: return "large";
  }
  return "large";
}

FaceSize FaceSizeOf(const Box& box) {
  // Height, as WIDER FACE's difficulty levels measure faces: boxes run forehead to chin.
  if (box.height < 16) return FaceSize::kTiny;
  if (box.height < 32) return FaceSize::kSmall;
  if (box.height < 96) return FaceSize::kMedium;
  return FaceSize::kLarge;
}

Face MirrorHorizontally(Face face, int width) {
  face.box.x = static_cast<float>(width) - face.box.x - face.box.width;
  for (Landmark& point : face.landmarks) point.x = static_cast<float>(width) - point.x;
  for (Landmark& right : face.landmarks) {
    const std::string left_name = LeftCounterpart(right.type);
    if (left_name.empty()) continue;
    for (Landmark& left : face.landmarks) {
      if (left.type != left_name) continue;
      std::swap(right.x, left.x);
      std::swap(right.y, left.y);
    }
  }
  return face;
}

}  // namespace faceloop::detect
