#pragma once
// The default detector, "auto": a policy over two networks chosen by measurement (docs/models.md).
// A plain request gets the fastest network that is good on ordinary photos (MediaPipe full range, one
// pass); an accurate, crowd or multiscale request — crowds, small faces — gets the most accurate pyramid
// (BlazeFace back, three scales and their mirror images).
#include <memory>

#include "detect/detector.hpp"

namespace faceloop::detect {

class AutoDetector final : public IDetector {
 public:
  AutoDetector(std::unique_ptr<IDetector> fast, std::unique_ptr<IDetector> accurate);
  const ModelInfo& info() const override { return info_; }
  std::vector<Face> Detect(const cv::Mat& rgb, const DetectOptions& options) override;
  int MinDecodeLongSide(const DetectOptions& options) const override;

  /// The network that serves `options`.
  const IDetector& Choose(const DetectOptions& options) const {
    return options.EffectiveMode() == DetectMode::kFast ? *fast_ : *accurate_;
  }

 private:
  std::unique_ptr<IDetector> fast_;
  std::unique_ptr<IDetector> accurate_;
  ModelInfo info_;
};

}  // namespace faceloop::detect
