#pragma once
// Decoding of SSD-style detector heads with MediaPipe's anchor scheme: one anchor per grid cell and
// per anchor slot, centred in the cell, with a fixed unit size, so regressors are offsets in network
// input pixels: box centre = anchor centre + (dx, dy), box size = (w, h), keypoint k = anchor centre
// + (kx, ky).
#include <vector>

#include <opencv2/core.hpp>

#include "detect/face.hpp"
#include "detect/runtime/xnnpack_net.hpp"

namespace faceloop::detect {

struct HeadLayout {
  int anchors_per_cell = 1;
  /// >1 when the head feeds a DepthToSpace(block) before the anchors are laid out (MediaPipe full
  /// range: a 24x24x4 map becomes a 48x48x1 grid).
  int depth_to_space = 1;
  int keypoints = 6;
};

/// Names of the keypoints in MediaPipe's order (subject's left/right).
const std::vector<std::string>& KeypointNames();

/// Anchor centre of grid cell (x, y) for a head whose cells are `stride` network pixels apart.
cv::Point2f AnchorCenter(int x, int y, float stride);

/// Appends candidates with sigmoid(score) >= min_score. `scores` is H x W x (A*b*b) and `regressors`
/// H x W x (A*b*b*R) (NHWC, whatever runtime computed them); `input` is the network input size.
void DecodeHead(const nn::TensorView& scores, const nn::TensorView& regressors, const HeadLayout& layout,
                cv::Size input, float min_score, std::vector<Face>& out);

}  // namespace faceloop::detect
