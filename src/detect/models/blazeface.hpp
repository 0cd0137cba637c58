#pragma once
// MediaPipe BlazeFace-family detectors (short range, full range, BlazeFace back) from TensorFlow.js
// graph models, run by XNNPACK or OpenCV DNN (models/head_net.hpp).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "detect/detector.hpp"
#include "detect/import/tfjs_graph.hpp"
#include "detect/models/anchors.hpp"
#include "detect/models/head_net.hpp"

namespace faceloop::detect {

struct BlazeHeadSpec {
  std::string scores;      // graph node producing the score map
  std::string regressors;  // graph node producing the regressor map
  HeadLayout layout;
};

/// Maps the model's square boxes to the labelling convention of WIDER FACE (forehead to chin):
/// width and height scaled about the centre, centre moved by shift_y x height.
struct BoxCalibration {
  float scale_w = 1.f;
  float scale_h = 1.f;
  float shift_y = 0.f;
};

struct BlazeFaceSpec {
  ModelInfo info;
  std::filesystem::path model_json;
  int input_size = 192;  // nominal square input the model was trained at
  int align = 32;        // total stride: pyramid inputs are rounded up to a multiple of it
  std::vector<BlazeHeadSpec> heads;
  BoxCalibration calibration;
  float nms_iou = 0.3f;
  /// Long sides of the extra passes in multiscale mode (each pass sees the whole image, letterboxed,
  /// no tiles: the network is fully convolutional).
  std::vector<int> pyramid;
  /// In the extra passes, faces larger than this many network pixels are left to the coarser passes.
  float pyramid_max_face = 96.f;
  /// Score faces found by several passes by noisy-OR (see MergePasses) instead of the best pass.
  bool fuse_scores = true;
  /// In multiscale mode, run every pass on the mirrored image as well (twice the cost, +2-3 AP points).
  bool flip_in_multiscale = true;
};

class BlazeFaceDetector final : public IDetector {
 public:
  /// `net` computes the spec's head nodes (HeadNodes), in that order.
  BlazeFaceDetector(BlazeFaceSpec spec, std::unique_ptr<HeadNet> net);
  const ModelInfo& info() const override { return spec_.info; }
  std::vector<Face> Detect(const cv::Mat& rgb, const DetectOptions& options) override;
  int MinDecodeLongSide(const DetectOptions& options) const override;

 private:
  /// One whole-image pass: the input's long side, and the largest face (network pixels) it may report.
  struct PassPlan {
    int long_side;
    float max_face;
  };
  /// The base pass, plus the pyramid in multiscale mode.
  std::vector<PassPlan> PlanPasses(const cv::Mat& rgb, const DetectOptions& options) const;
  /// Candidates (image pixels, uncalibrated) of one pass.
  std::vector<Face> RunPass(const cv::Mat& rgb, const PassPlan& plan, float min_score);
  Face Calibrate(Face face) const;
  const std::vector<int>& Pyramid(const DetectOptions& options) const;

  BlazeFaceSpec spec_;
  std::unique_ptr<HeadNet> net_;
};

/// The graph nodes a spec's network must output: scores then regressors, for each head.
std::vector<std::string> HeadNodes(const BlazeFaceSpec& spec);

}  // namespace faceloop::detect
