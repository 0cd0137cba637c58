#include "detect/models/blazeface.hpp"

#include <algorithm>
#include <opencv2/core.hpp>

#include "detect/models/letterbox.hpp"
#include "detect/models/nms.hpp"

namespace faceloop::detect {
namespace {

// Candidates below this never survive NMS with a useful score; it bounds the NMS work.
constexpr float kCandidateFloor = 0.05f;
constexpr std::size_t kMaxCandidates = 2000;
constexpr float kNoSizeLimit = 1e9f;

/// BlazeFace's only high-resolution mode is its pyramid: accurate and crowd both get it.
bool Multiscale(const DetectOptions& options) { return options.EffectiveMode() != DetectMode::kFast; }

std::vector<Face> Flatten(std::vector<std::vector<Face>> passes) {
  std::vector<Face> all;
  for (auto& pass : passes) {
    all.insert(all.end(), std::make_move_iterator(pass.begin()), std::make_move_iterator(pass.end()));
  }
  return all;
}

}  // namespace

std::vector<std::string> HeadNodes(const BlazeFaceSpec& spec) {
  std::vector<std::string> nodes;
  for (const auto& head : spec.heads) {
    nodes.push_back(head.scores);
    nodes.push_back(head.regressors);
  }
  return nodes;
}

BlazeFaceDetector::BlazeFaceDetector(BlazeFaceSpec spec, std::unique_ptr<HeadNet> net)
    : spec_(std::move(spec)), net_(std::move(net)) {}

std::vector<Face> BlazeFaceDetector::RunPass(const cv::Mat& rgb, const PassPlan& plan, float min_score) {
  const Letterbox box = Letterbox::Fit(rgb.size(), plan.long_side, spec_.align, false);
  const std::vector<nn::TensorView> outputs = net_->Run(rgb, box);

  std::vector<Face> candidates;
  for (std::size_t h = 0; h < spec_.heads.size(); ++h) {
    DecodeHead(outputs[2 * h], outputs[2 * h + 1], spec_.heads[h].layout, box.input, min_score, candidates);
  }
  std::vector<Face> faces;
  for (Face& face : candidates) {
    if (std::max(face.box.width, face.box.height) > plan.max_face) continue;
    face.box = box.ToImage(face.box);
    for (Landmark& point : face.landmarks) {
      const cv::Point2f p = box.ToImage(cv::Point2f(point.x, point.y));
      point.x = p.x;
      point.y = p.y;
    }
    faces.push_back(std::move(face));
  }
  return faces;
}

const std::vector<int>& BlazeFaceDetector::Pyramid(const DetectOptions& options) const {
  return options.pyramid.empty() ? spec_.pyramid : options.pyramid;
}

int BlazeFaceDetector::MinDecodeLongSide(const DetectOptions& options) const {
  // The largest pass's long side: DCT scaling never goes below what the network will see.
  const std::vector<int>& pyramid = Pyramid(options);
  return Multiscale(options) && !pyramid.empty() ? pyramid.back() : spec_.input_size;
}

std::vector<BlazeFaceDetector::PassPlan> BlazeFaceDetector::PlanPasses(const cv::Mat& rgb,
                                                                       const DetectOptions& options) const {
  std::vector<PassPlan> plans{{spec_.input_size, kNoSizeLimit}};
  if (!Multiscale(options)) return plans;
  const int image_long = std::max(rgb.cols, rgb.rows);
  for (int long_side : Pyramid(options)) {
    // Upsampling past ~2x the stored pixels finds nothing new and costs quadratically.
    if (long_side > 2 * image_long) break;
    plans.push_back({long_side, spec_.pyramid_max_face});
  }
  return plans;
}

Face BlazeFaceDetector::Calibrate(Face face) const {
  const BoxCalibration& c = spec_.calibration;
  const float cx = face.box.x + face.box.width / 2;
  const float cy = face.box.y + face.box.height / 2 + c.shift_y * face.box.height;
  const float w = face.box.width * c.scale_w, h = face.box.height * c.scale_h;
  face.box = Box{cx - w / 2, cy - h / 2, w, h};
  return face;
}

std::vector<Face> BlazeFaceDetector::Detect(const cv::Mat& rgb, const DetectOptions& options) {
  const float min_score = std::min(options.min_confidence, kCandidateFloor);
  const std::vector<PassPlan> plans = PlanPasses(rgb, options);
  std::vector<std::vector<Face>> passes;
  passes.reserve(plans.size());
  for (const PassPlan& plan : plans) passes.push_back(RunPass(rgb, plan, min_score));
  if (Multiscale(options) && spec_.flip_in_multiscale) {
    // The same passes over the mirrored image: test-time augmentation whose agreement MergePasses rewards.
    cv::Mat mirrored;
    cv::flip(rgb, mirrored, 1);
    for (const PassPlan& plan : plans) {
      std::vector<Face> faces = RunPass(mirrored, plan, min_score);
      for (Face& face : faces) face = MirrorHorizontally(std::move(face), rgb.cols);
      passes.push_back(std::move(faces));
    }
  }
  for (auto& pass : passes) {
    KeepStrongest(pass, kMaxCandidates);
    pass = WeightedNms(std::move(pass), spec_.nms_iou);
  }
  std::vector<Face> faces = passes.size() == 1  ? std::move(passes.front())
                            : spec_.fuse_scores ? MergePasses(passes, spec_.nms_iou)
                                                : WeightedNms(Flatten(std::move(passes)), spec_.nms_iou);
  for (Face& face : faces) face = Calibrate(std::move(face));
  return ApplyLimits(std::move(faces), options);
}

}  // namespace faceloop::detect
