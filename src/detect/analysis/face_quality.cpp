#include "detect/analysis/face_quality.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace faceloop::detect {

FaceQuality MeasureQuality(const cv::Mat& rgb, const Box& box) {
  CV_Assert(rgb.type() == CV_8UC3);
  const int x0 = std::clamp(static_cast<int>(std::floor(box.x)), 0, rgb.cols);
  const int y0 = std::clamp(static_cast<int>(std::floor(box.y)), 0, rgb.rows);
  const int x1 = std::clamp(static_cast<int>(std::ceil(box.x + box.width)), 0, rgb.cols);
  const int y1 = std::clamp(static_cast<int>(std::ceil(box.y + box.height)), 0, rgb.rows);
  if (x1 <= x0 || y1 <= y0) return {};
  cv::Mat gray;
  cv::cvtColor(rgb(cv::Rect(x0, y0, x1 - x0, y1 - y0)), gray, cv::COLOR_RGB2GRAY);
  const double brightness = cv::mean(gray)[0] / 255.0;
  const bool shrinking = gray.cols > kQualitySide || gray.rows > kQualitySide;
  cv::resize(gray, gray, cv::Size(kQualitySide, kQualitySide), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::Mat laplacian;
  cv::Laplacian(gray, laplacian, CV_32F, 3);
  cv::Scalar mean, stddev;
  cv::meanStdDev(laplacian, mean, stddev);
  const double variance = stddev[0] * stddev[0];
  return FaceQuality{static_cast<float>(variance / (variance + kSharpnessHalf)), static_cast<float>(brightness)};
}

}  // namespace faceloop::detect
