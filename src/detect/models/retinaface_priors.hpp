#pragma once
// RetinaFace's priors (anchors) and SSD box decoding, as in biubug6/Pytorch_Retinaface (PriorBox,
// decode, decode_landm), in network input pixels.
//
// Per pyramid level (strides 8, 16, 32), a grid of ceil(W / stride) x ceil(H / stride) cells with
// one square prior per size ((16, 32), (64, 128), (256, 512) pixels), centred in the cell, ordered
// level -> row -> column -> size. A prediction (dx, dy, dw, dh) decodes to the box centred at
// prior centre + (dx, dy) * 0.1 * size, of size prior size * exp((dw, dh) * 0.2); landmark k to
// prior centre + (kx, ky) * 0.1 * size.
#include <cstddef>
#include <vector>

#include <opencv2/core.hpp>

#include "detect/face.hpp"

namespace faceloop::detect {

struct PriorLevel {
  int stride = 8;
  std::vector<float> sizes;  // side of each square prior, network pixels
};

/// The three levels of RetinaFace (MobileNet-0.25 and ResNet-50 share them).
const std::vector<PriorLevel>& RetinaFaceLevels();

struct Prior {
  float cx = 0, cy = 0, size = 0;  // network pixels
};

/// The priors of one level for a network input of `input` pixels, in the network's output order.
std::vector<Prior> LevelPriors(const PriorLevel& level, cv::Size input);
/// How many priors a level has for `input` (= rows that level's head outputs).
std::size_t LevelPriorCount(const PriorLevel& level, cv::Size input);

/// SSD decoding with variances 0.1 (centres) and 0.2 (sizes); `loc` is dx, dy, dw, dh.
Box DecodeBox(const Prior& prior, const float* loc);
cv::Point2f DecodePoint(const Prior& prior, float dx, float dy);

/// RetinaFace's five landmarks in its output order, named from the subject's point of view (the
/// subject's right eye is on the image's left).
const std::vector<std::string>& RetinaFaceLandmarkNames();

/// The head outputs of one level: rows of 4 box, 2 class (background, face) and 10 landmark values,
/// one row per prior, in LevelPriors order.
struct HeadRows {
  const float* loc = nullptr;
  const float* conf = nullptr;
  const float* landmarks = nullptr;
  std::size_t rows = 0;
};

/// Appends the faces (network pixels) whose face probability is >= min_score. `conf_are_logits`:
/// the class rows are raw scores (softmax still to apply) rather than probabilities.
void DecodeRetinaFace(const std::vector<HeadRows>& levels, cv::Size input, bool conf_are_logits, float min_score,
                      std::vector<Face>& out);

}  // namespace faceloop::detect
