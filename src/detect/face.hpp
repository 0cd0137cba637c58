#pragma once
#include <string>
#include <vector>

namespace faceloop::detect {

struct Box {
  float x = 0, y = 0, width = 0, height = 0;  // top-left corner and size, in pixels
  float area() const { return width > 0 && height > 0 ? width * height : 0.f; }
};

struct Landmark {
  std::string type;  // left_eye, right_eye, nose, mouth, left_ear, right_ear (subject's left/right)
  float x = 0, y = 0;
};

struct Face {
  Box box;
  float confidence = 0;  // 0..1
  std::vector<Landmark> landmarks;
};

/// Intersection over union of two boxes; 0 when either is empty.
float IoU(const Box& a, const Box& b);

}  // namespace faceloop::detect
