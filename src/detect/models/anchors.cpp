#include "detect/models/anchors.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"

namespace faceloop::detect {
namespace {

float Sigmoid(float logit) { return 1.f / (1.f + std::exp(-std::clamp(logit, -100.f, 100.f))); }

float Logit(float probability) {
  probability = std::clamp(probability, 1e-6f, 1.f - 1e-6f);
  return std::log(probability / (1.f - probability));
}

/// Reads channel `c` at (x, y) of an NHWC map.
float At(const nn::TensorView& map, int c, int y, int x) {
  return map
      .data[(static_cast<std::size_t>(y) * static_cast<std::size_t>(map.shape.width) + static_cast<std::size_t>(x)) *
                static_cast<std::size_t>(map.shape.channels) +
            static_cast<std::size_t>(c)];
}

}  // namespace

const std::vector<std::string>& KeypointNames() {
  static const std::vector<std::string> kNames = {"right_eye", "left_eye", "nose", "mouth", "right_ear", "left_ear"};
  return kNames;
}

cv::Point2f AnchorCenter(int x, int y, float stride) {
  return {(static_cast<float>(x) + 0.5f) * stride, (static_cast<float>(y) + 0.5f) * stride};
}

void DecodeHead(const nn::TensorView& scores, const nn::TensorView& regressors, const HeadLayout& layout,
                cv::Size input, float min_score, std::vector<Face>& out) {
  const int block = layout.depth_to_space;
  const int anchors = layout.anchors_per_cell;
  const int values = 4 + 2 * layout.keypoints;
  if (scores.shape.channels != anchors * block * block ||
      regressors.shape.channels != anchors * block * block * values || scores.shape.height != regressors.shape.height ||
      scores.shape.width != regressors.shape.width) {
    throw Error(ErrorCode::kInternal, "detector head has an unexpected shape");
  }
  const int grid_w = scores.shape.width * block;
  const float stride = static_cast<float>(input.width) / static_cast<float>(grid_w);
  const float min_logit = Logit(min_score);
  const auto& names = KeypointNames();
  for (int y = 0; y < scores.shape.height * block; ++y) {
    for (int x = 0; x < grid_w; ++x) {
      // DepthToSpace (NHWC): fine cell (y, x) reads channel group (y % b) * b + (x % b) of coarse cell.
      const int group = (y % block) * block + (x % block);
      const int cy = y / block, cx = x / block;
      for (int a = 0; a < anchors; ++a) {
        const float logit = At(scores, group * anchors + a, cy, cx);
        if (logit < min_logit) continue;
        const int base = (group * anchors + a) * values;
        const cv::Point2f anchor = AnchorCenter(x, y, stride);
        const float w = At(regressors, base + 2, cy, cx), h = At(regressors, base + 3, cy, cx);
        Face face;
        face.confidence = Sigmoid(logit);
        face.box = Box{anchor.x + At(regressors, base, cy, cx) - w / 2,
                       anchor.y + At(regressors, base + 1, cy, cx) - h / 2, w, h};
        for (int k = 0; k < layout.keypoints; ++k) {
          face.landmarks.push_back(Landmark{k < static_cast<int>(names.size()) ? names[k] : "point",
                                            anchor.x + At(regressors, base + 4 + 2 * k, cy, cx),
                                            anchor.y + At(regressors, base + 5 + 2 * k, cy, cx)});
        }
        out.push_back(std::move(face));
      }
    }
  }
}

}  // namespace faceloop::detect
