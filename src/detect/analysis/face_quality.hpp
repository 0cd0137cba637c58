#pragma once
// Per-face image quality, as face APIs report it (Rekognition's Quality, Azure's blur/exposure):
//
//   brightness = mean luma (BT.601) of the face box / 255.
//   sharpness  = v / (v + kSharpnessHalf), where v is the variance of the 3x3 Laplacian of the face
//                box converted to gray and resized to 64x64. The fixed size measures the detail a face
//                carries for a downstream model rather than per-pixel blur, so a 12-pixel face is not
//                "sharp". kSharpnessHalf is the v at which sharpness is 0.5: on facebench dev the
//                median v of faces labelled heavily blurred is ~200-250 (sharpness ~0.2), of faces
//                32-96 px high labelled normal ~1300 (0.56) and clear ~2800 (0.74).
// Both are 0..1. The box is clipped to the image; a box outside it gives zeros.
#include <opencv2/core.hpp>

#include "detect/face.hpp"

namespace faceloop::detect {

inline constexpr int kQualitySide = 64;
inline constexpr double kSharpnessHalf = 1000.0;

/// `rgb`: 8-bit RGB; `box` in its pixels.
FaceQuality MeasureQuality(const cv::Mat& rgb, const Box& box);

}  // namespace faceloop::detect
