#pragma once
// The seam between the product and any face-detection model.
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "detect/face.hpp"

namespace faceloop::detect {

struct ModelInfo {
  std::string name;     // registry name, e.g. "mediapipe-full"
  std::string version;  // weights version (package@version)
  std::string source;   // where the weights come from
  std::string license;
  /// The decoder may shrink images (JPEG DCT scaling) as long as their long side stays >= this.
  int min_decode_long_side = 0;
};

/// What a request trades between speed and recall (docs/models.md gives each mode's cost):
///   fast      one pass at a capped resolution (RetinaFace: long side <= 640);
///   accurate  the image's own resolution up to a cap, for photos with small faces;
///   crowd     accurate plus test-time augmentation (mirror image, an upscaled pass), fused.
/// Models without such choices (haar, onnx:) run the same way in every mode.
enum class DetectMode { kFast, kAccurate, kCrowd };

std::string_view ModeName(DetectMode mode);
/// "fast", "accurate" or "crowd"; throws Error(kUnprocessable) for anything else.
DetectMode ParseMode(std::string_view name);

struct DetectOptions {
  float min_confidence = 0.5f;
  int max_faces = 0;        // 0 = no limit
  bool multiscale = false;  // the older name of mode crowd (HTTP tiling=true, CLI --multiscale): wins over mode
  /// Long sides of the multiscale passes of the BlazeFace models; empty = the model's tuned default.
  std::vector<int> pyramid;
  DetectMode mode = DetectMode::kFast;

  /// The mode to run: crowd when the older multiscale flag is set, else mode.
  DetectMode EffectiveMode() const { return multiscale ? DetectMode::kCrowd : mode; }
};

/// A detector instance is not thread-safe: give each worker thread its own (see registry.hpp).
class IDetector {
 public:
  virtual ~IDetector() = default;
  virtual const ModelInfo& info() const = 0;
  /// Faces in `rgb` (8-bit RGB) pixel coordinates, highest confidence first.
  virtual std::vector<Face> Detect(const cv::Mat& rgb, const DetectOptions& options) = 0;
  /// The decoder may shrink an image (JPEG DCT scaling) as long as its long side stays >= this;
  /// 0 = decode at full size.
  virtual int MinDecodeLongSide(const DetectOptions& /*options*/) const { return info().min_decode_long_side; }
};

/// Applies min_confidence and max_faces to faces sorted by confidence.
std::vector<Face> ApplyLimits(std::vector<Face> faces, const DetectOptions& options);

}  // namespace faceloop::detect
