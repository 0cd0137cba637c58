#include "detect/models/yunet.hpp"

#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "common/error.hpp"

namespace faceloop::detect {
namespace {

// YuNet runs at the image's own resolution; beyond this long side it is resized first.
constexpr int kMaxLongSide = 1280;

}  // namespace

YuNetDetector::YuNetDetector(ModelInfo info, const std::filesystem::path& onnx) : info_(std::move(info)) {
  if (!std::filesystem::is_regular_file(onnx)) throw Error(ErrorCode::kNotFound, "no ONNX model at " + onnx.string());
  try {
    detector_ = cv::FaceDetectorYN::create(onnx.string(), "", cv::Size(320, 320), 0.05f, 0.3f, 5000);
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::kInternal, "cannot load ONNX detector " + onnx.string() + ": " + e.what());
  }
}

std::vector<Face> YuNetDetector::Detect(const cv::Mat& rgb, const DetectOptions& options) {
  const double scale = std::min(1.0, static_cast<double>(kMaxLongSide) / std::max(rgb.cols, rgb.rows));
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  if (scale < 1.0) cv::resize(bgr, bgr, cv::Size(), scale, scale, cv::INTER_AREA);
  detector_->setInputSize(bgr.size());
  detector_->setScoreThreshold(std::min(options.min_confidence, 0.05f));
  cv::Mat rows;
  detector_->detect(bgr, rows);
  static const char* kNames[] = {"right_eye", "left_eye", "nose", "mouth_right", "mouth_left"};
  std::vector<Face> faces;
  for (int i = 0; i < rows.rows; ++i) {
    const auto* r = rows.ptr<float>(i);
    const auto s = static_cast<float>(scale);
    Face face;
    face.box = Box{r[0] / s, r[1] / s, r[2] / s, r[3] / s};
    for (int k = 0; k < 5; ++k) face.landmarks.push_back(Landmark{kNames[k], r[4 + 2 * k] / s, r[5 + 2 * k] / s});
    face.confidence = r[14];
    faces.push_back(std::move(face));
  }
  return ApplyLimits(std::move(faces), options);
}

}  // namespace faceloop::detect
