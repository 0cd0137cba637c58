#pragma once
// The network of a BlazeFace-family detector on one runtime: a letterboxed RGB image in, the head
// maps out (NHWC, scores then regressors for each head), whatever engine computes them.
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "detect/import/tfjs_graph.hpp"
#include "detect/models/letterbox.hpp"
#include "detect/runtime/xnnpack_net.hpp"

namespace faceloop::detect {

class HeadNet {
 public:
  virtual ~HeadNet() = default;
  /// The head maps for `rgb` (8-bit RGB) letterboxed per `box`; valid until the next call.
  virtual std::vector<nn::TensorView> Run(const cv::Mat& rgb, const Letterbox& box) = 0;
};

/// XNNPACK on a converted graph (TfjsToGraph); `graph` may be released once this returns.
std::unique_ptr<HeadNet> MakeXnnpackHeadNet(const nn::Graph& graph);

/// OpenCV DNN on the tfjs graph, computing the nodes `outputs`.
std::unique_ptr<HeadNet> MakeOpenCvHeadNet(const TfjsGraph& graph, const std::vector<std::string>& outputs);

}  // namespace faceloop::detect
