#include "detect/models/haar.hpp"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "common/error.hpp"

namespace faceloop::detect {
namespace {

// The cascade's last-stage weights are unbounded sums; a logistic squash turns them into a 0..1
// ranking score (its calibration is rough, the ordering is what AP needs).
float Confidence(double level_weight) { return static_cast<float>(1.0 / (1.0 + std::exp(-level_weight / 2.0))); }

}  // namespace

HaarDetector::HaarDetector(ModelInfo info, const std::filesystem::path& cascade_xml) : info_(std::move(info)) {
  if (!cascade_.load(cascade_xml.string())) {
    throw Error(ErrorCode::kInternal,
                "cannot load Haar cascade " + cascade_xml.string() + " (Debian package opencv-data)");
  }
}

std::vector<Face> HaarDetector::Detect(const cv::Mat& rgb, const DetectOptions& options) {
  cv::Mat gray;
  cv::cvtColor(rgb, gray, cv::COLOR_RGB2GRAY);
  cv::equalizeHist(gray, gray);
  std::vector<cv::Rect> rects;
  std::vector<int> levels;
  std::vector<double> weights;
  cascade_.detectMultiScale(gray, rects, levels, weights, 1.1, 3, 0, cv::Size(12, 12), cv::Size(), true);
  std::vector<Face> faces;
  for (std::size_t i = 0; i < rects.size(); ++i) {
    Face face;
    face.box = Box{static_cast<float>(rects[i].x), static_cast<float>(rects[i].y), static_cast<float>(rects[i].width),
                   static_cast<float>(rects[i].height)};
    face.confidence = Confidence(i < weights.size() ? weights[i] : 0.0);
    faces.push_back(std::move(face));
  }
  return ApplyLimits(std::move(faces), options);
}

}  // namespace faceloop::detect
