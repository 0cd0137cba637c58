#pragma once
// Head pose from five 2-D landmarks (eyes, nose tip, mouth corners or mouth centre), without a 3-D fit:
// an estimate good to roughly 10-15 degrees, for filtering and analytics, not for gaze.
//
//   roll  = angle of the line from the right eye to the left eye (the subject's), in the image;
//   then along the face's own axes, "down" from the eyes' midpoint E to the mouth's M and "right"
//   perpendicular to it (e = half the eye distance along "right", t = how far down the nose is,
//   as a fraction of |M - E|):
//   yaw   = atan((nose offset along "right" / e) / kNoseDepthPerHalfEyes)
//   pitch = atan((kFrontalNoseFraction - t) / (kNoseDepthPerEyeMouth * cos(yaw)))
// from a face model with eyes and mouth in one plane and the nose tip in front of it: turning the
// head by an angle a moves the nose tip sideways by depth * sin(a) while the eye distance shrinks
// by cos(a). The frontal geometry is RetinaFace's own, measured on facebench dev (922 faces >= 64 px
// labelled "typical pose", medians): the mouth 2.14 half-eye-distances below the eyes and the nose
// tip 0.54 of the way down; the nose's depth (0.85 half-eye-distances in front of the eyes) is that
// of a generic 3-D face model. On that model (orthographic view) the formulas are exact; real faces
// differ from it, and expressions move the mouth corners, so pitch is the roughest of the three.
#include <optional>
#include <vector>

#include "detect/face.hpp"

namespace faceloop::detect {

inline constexpr float kFrontalNoseFraction = 0.54f;
inline constexpr float kEyeMouthPerHalfEyes = 2.14f;
inline constexpr float kNoseDepthPerHalfEyes = 0.85f;
inline constexpr float kNoseDepthPerEyeMouth = kNoseDepthPerHalfEyes / kEyeMouthPerHalfEyes;

/// Needs landmarks named right_eye, left_eye, nose, and mouth (or mouth_right and mouth_left);
/// nullopt otherwise, or when the points are degenerate (eyes on top of each other).
std::optional<HeadPose> EstimatePose(const std::vector<Landmark>& landmarks);

}  // namespace faceloop::detect
