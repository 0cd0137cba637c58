#include "detect/models/auto_detector.hpp"

namespace faceloop::detect {

AutoDetector::AutoDetector(std::unique_ptr<IDetector> fast, std::unique_ptr<IDetector> accurate)
    : fast_(std::move(fast)), accurate_(std::move(accurate)), info_(fast_->info()) {
  info_.name = "auto";
  info_.version =
      fast_->info().name + " (single pass) + " + accurate_->info().name + " (multiscale), " + fast_->info().version;
}

std::vector<Face> AutoDetector::Detect(const cv::Mat& rgb, const DetectOptions& options) {
  return (options.EffectiveMode() == DetectMode::kFast ? fast_ : accurate_)->Detect(rgb, options);
}

int AutoDetector::MinDecodeLongSide(const DetectOptions& options) const {
  return Choose(options).MinDecodeLongSide(options);
}

}  // namespace faceloop::detect
