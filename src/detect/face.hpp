#pragma once
#include <optional>
#include <string>
#include <string_view>
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

/// How usable a face crop is (analysis/face_quality.hpp has the formulas).
struct FaceQuality {
  float sharpness = 0;   // 0..1, detail in the face at a fixed 64x64 size
  float brightness = 0;  // 0..1, mean luma of the face box
};

/// Head pose in degrees, estimated from five landmarks (analysis/head_pose.hpp).
struct HeadPose {
  float roll = 0;   // > 0: the eye line turns clockwise in the image (head tilted to the subject's left shoulder)
  float yaw = 0;    // > 0: the face turns towards the image's right (the subject's left)
  float pitch = 0;  // > 0: the face looks up
};

/// The face's height in original image pixels, bucketed: tiny < 16, small < 32, medium < 96, large.
enum class FaceSize { kTiny, kSmall, kMedium, kLarge };

struct Face {
  Box box;
  float confidence = 0;  // 0..1
  std::vector<Landmark> landmarks;
  // Filled by the pipeline (RunDetection) after detection, for every model.
  std::optional<FaceQuality> quality;
  std::optional<HeadPose> pose;  // absent without eyes, nose and mouth landmarks
  std::optional<FaceSize> size;
};

std::string_view FaceSizeName(FaceSize size);
FaceSize FaceSizeOf(const Box& box);

/// Intersection over union of two boxes; 0 when either is empty.
float IoU(const Box& a, const Box& b);

/// Maps a face found in the mirror image of an image `width` pixels wide back onto the image. The
/// subject's left and right swap sides too: landmarks named with "right" and "left" (right_eye,
/// mouth_right, ...) exchange positions so that their names stay true.
Face MirrorHorizontally(Face face, int width);

}  // namespace faceloop::detect
