#pragma once
// A user-supplied ONNX detector with YuNet's interface (OpenCV's cv::FaceDetectorYN, e.g.
// face_detection_yunet_2022mar.onnx from the OpenCV model zoo), chosen as model "onnx:/path/model.onnx".
#include <filesystem>

#include <opencv2/objdetect.hpp>

#include "detect/detector.hpp"

namespace faceloop::detect {

class YuNetDetector final : public IDetector {
 public:
  YuNetDetector(ModelInfo info, const std::filesystem::path& onnx);
  const ModelInfo& info() const override { return info_; }
  std::vector<Face> Detect(const cv::Mat& rgb, const DetectOptions& options) override;

 private:
  ModelInfo info_;
  cv::Ptr<cv::FaceDetectorYN> detector_;
};

}  // namespace faceloop::detect
