#pragma once
// Aspect-preserving resize of an image into a network input, and the inverse mapping of points from
// network pixels back to image pixels. The image sits at the top-left; the rest is zero padding.
#include <vector>

#include <opencv2/core.hpp>

#include "detect/face.hpp"

namespace faceloop::detect {

struct Letterbox {
  double scale = 1.0;  // network pixels per image pixel
  cv::Size resized;    // the image's size inside the network input
  cv::Size input;      // the network input size (>= resized)

  /// Fits `image` into a `long_side` box, then rounds the input up to a multiple of `align`. With
  /// `square` the input is long_side x long_side (what a fixed-size model was trained on).
  static Letterbox Fit(cv::Size image, int long_side, int align, bool square);

  cv::Point2f ToImage(cv::Point2f net) const;
  Box ToImage(const Box& net) const;
};

/// Resizes `rgb` (8-bit, 3 channels) per `box` and writes it into `blob` (float NCHW, 1x3xHxW),
/// mapping 0..255 to -1..1; the padding is 0 (mid-gray), as MediaPipe's letterbox is.
void FillInputBlob(const cv::Mat& rgb, const Letterbox& box, cv::Mat& blob);

/// The same pixels as FillInputBlob, interleaved: an NHWC float tensor of box.input.height x
/// box.input.width x 3 (what XnnpackNet reads).
void FillInputNhwc(const cv::Mat& rgb, const Letterbox& box, std::vector<float>& input);

}  // namespace faceloop::detect
