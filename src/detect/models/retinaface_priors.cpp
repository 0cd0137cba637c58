#include "detect/models/retinaface_priors.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"

namespace faceloop::detect {
namespace {

constexpr float kCentreVariance = 0.1f;
constexpr float kSizeVariance = 0.2f;
constexpr std::size_t kLandmarks = 5;

int Cells(int pixels, int stride) { return (pixels + stride - 1) / stride; }

/// P(face) from the two class values: the softmax's second column, computed without overflow.
float FaceProbability(const float* conf, bool logits) {
  if (!logits) return conf[1];
  return 1.f / (1.f + std::exp(std::clamp(conf[0] - conf[1], -80.f, 80.f)));
}

}  // namespace

const std::vector<PriorLevel>& RetinaFaceLevels() {
  static const std::vector<PriorLevel> kLevels = {{8, {16.f, 32.f}}, {16, {64.f, 128.f}}, {32, {256.f, 512.f}}};
  return kLevels;
}

std::size_t LevelPriorCount(const PriorLevel& level, cv::Size input) {
  return static_cast<std::size_t>(Cells(input.width, level.stride)) *
         static_cast<std::size_t>(Cells(input.height, level.stride)) * level.sizes.size();
}

std::vector<Prior> LevelPriors(const PriorLevel& level, cv::Size input) {
  std::vector<Prior> priors;
  priors.reserve(LevelPriorCount(level, input));
  const auto stride = static_cast<float>(level.stride);
  for (int y = 0; y < Cells(input.height, level.stride); ++y) {
    for (int x = 0; x < Cells(input.width, level.stride); ++x) {
      const float cx = (static_cast<float>(x) + 0.5f) * stride;
      const float cy = (static_cast<float>(y) + 0.5f) * stride;
      for (float size : level.sizes) priors.push_back({cx, cy, size});
    }
  }
  return priors;
}

Box DecodeBox(const Prior& prior, const float* loc) {
  const float cx = prior.cx + loc[0] * kCentreVariance * prior.size;
  const float cy = prior.cy + loc[1] * kCentreVariance * prior.size;
  // exp of a wild regression value must not become inf (a hostile or broken model).
  const float w = prior.size * std::exp(std::min(loc[2] * kSizeVariance, 20.f));
  const float h = prior.size * std::exp(std::min(loc[3] * kSizeVariance, 20.f));
  return Box{cx - w / 2, cy - h / 2, w, h};
}

cv::Point2f DecodePoint(const Prior& prior, float dx, float dy) {
  return {prior.cx + dx * kCentreVariance * prior.size, prior.cy + dy * kCentreVariance * prior.size};
}

const std::vector<std::string>& RetinaFaceLandmarkNames() {
  static const std::vector<std::string> kNames = {"right_eye", "left_eye", "nose", "mouth_right", "mouth_left"};
  return kNames;
}

void DecodeRetinaFace(const std::vector<HeadRows>& levels, cv::Size input, bool conf_are_logits, float min_score,
                      std::vector<Face>& out) {
  const auto& specs = RetinaFaceLevels();
  if (levels.size() != specs.size()) throw Error(ErrorCode::kInternal, "RetinaFace: expected three head levels");
  for (std::size_t l = 0; l < specs.size(); ++l) {
    const HeadRows& head = levels[l];
    if (head.rows != LevelPriorCount(specs[l], input)) {
      throw Error(ErrorCode::kInternal, "RetinaFace: head level " + std::to_string(l) + " has " +
                                            std::to_string(head.rows) + " rows, the priors need " +
                                            std::to_string(LevelPriorCount(specs[l], input)));
    }
    const std::vector<Prior> priors = LevelPriors(specs[l], input);
    for (std::size_t i = 0; i < priors.size(); ++i) {
      const float score = FaceProbability(head.conf + 2 * i, conf_are_logits);
      if (!(score >= min_score)) continue;  // also drops NaN
      Face face;
      face.confidence = score;
      face.box = DecodeBox(priors[i], head.loc + 4 * i);
      const float* marks = head.landmarks + 2 * kLandmarks * i;
      for (std::size_t k = 0; k < kLandmarks; ++k) {
        const cv::Point2f p = DecodePoint(priors[i], marks[2 * k], marks[2 * k + 1]);
        face.landmarks.push_back(Landmark{RetinaFaceLandmarkNames()[k], p.x, p.y});
      }
      out.push_back(std::move(face));
    }
  }
}

}  // namespace faceloop::detect
