#pragma once
// The classic Viola-Jones cascade from Debian's opencv-data: the baseline every CNN must beat.
#include <filesystem>

#include <opencv2/objdetect.hpp>

#include "detect/detector.hpp"

namespace faceloop::detect {

class HaarDetector final : public IDetector {
 public:
  HaarDetector(ModelInfo info, const std::filesystem::path& cascade_xml);
  const ModelInfo& info() const override { return info_; }
  std::vector<Face> Detect(const cv::Mat& rgb, const DetectOptions& options) override;

 private:
  ModelInfo info_;
  cv::CascadeClassifier cascade_;
};

}  // namespace faceloop::detect
