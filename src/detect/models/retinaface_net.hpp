#pragma once
// The seam between the RetinaFace detector and the runtimes that execute its network. The weights are
// read once per registry (RetinaFaceWeights) and shared by every detector instance; each instance
// owns a runtime (RetinaFaceNet), which is not thread-safe.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "detect/import/onnx_graph.hpp"
#include "detect/models/retinaface_priors.hpp"

namespace faceloop::detect {

/// The network in the forms the runtimes load.
struct RetinaFaceWeights {
  ImportedOnnx graph;       // nn::Graph and its head outputs (XNNPACK)
  std::string opencv_onnx;  // the ONNX file rewritten for OpenCV DNN (onnx_opencv.hpp)

  /// Reads and checks the ONNX file; throws Error(kInternal) with the reason (missing, not the
  /// expected network).
  static std::shared_ptr<const RetinaFaceWeights> Load(const std::filesystem::path& onnx);
};

/// Head outputs of one run, per level (strides 8, 16, 32); valid until the runtime's next Run.
struct RetinaHeads {
  std::vector<HeadRows> levels;
  bool conf_are_logits = false;
};

class RetinaFaceNet {
 public:
  virtual ~RetinaFaceNet() = default;
  /// `input`: CV_32FC3, continuous, BGR minus the mean, height and width multiples of 32.
  virtual RetinaHeads Run(const cv::Mat& input) = 0;
};

/// XNNPACK on the imported nn::Graph (the calling thread); `weights` may go once this returns.
std::unique_ptr<RetinaFaceNet> MakeXnnpackRetinaFaceNet(const RetinaFaceWeights& weights);

/// OpenCV DNN on the rewritten file (one thread unless cv::setNumThreads says otherwise).
std::unique_ptr<RetinaFaceNet> MakeOpenCvRetinaFaceNet(const RetinaFaceWeights& weights);

}  // namespace faceloop::detect
