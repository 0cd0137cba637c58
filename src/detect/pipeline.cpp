#include "detect/pipeline.hpp"

#include <chrono>
#include <cmath>

#include <nlohmann/json.hpp>

#include "detect/analysis/face_quality.hpp"
#include "detect/analysis/head_pose.hpp"

namespace faceloop::detect {
namespace {

using Clock = std::chrono::steady_clock;

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double Round2(double value) { return std::round(value * 100.0) / 100.0; }
double Round3(double value) { return std::round(value * 1000.0) / 1000.0; }

}  // namespace

void ToOriginalPixels(std::vector<Face>& faces, double scale) {
  if (scale == 1.0 || scale <= 0) return;
  const auto inv = static_cast<float>(1.0 / scale);
  for (Face& face : faces) {
    face.box = Box{face.box.x * inv, face.box.y * inv, face.box.width * inv, face.box.height * inv};
    for (Landmark& point : face.landmarks) {
      point.x *= inv;
      point.y *= inv;
    }
  }
}

void AnalyseFaces(const cv::Mat& rgb, std::vector<Face>& faces) {
  for (Face& face : faces) {
    face.quality = MeasureQuality(rgb, face.box);
    face.pose = EstimatePose(face.landmarks);
  }
}

DetectionResult RunDetection(IDetector& detector, std::span<const std::uint8_t> bytes, const DetectOptions& options,
                             const DecodeLimits& limits) {
  const auto start = Clock::now();
  DecodeOptions decode_options;
  decode_options.limits = limits;
  decode_options.min_long_side = detector.MinDecodeLongSide(options);
  const DecodedImage image = Decode(bytes, decode_options);
  DetectionResult result;
  result.timing.decode_ms = MillisSince(start);

  const auto metadata_start = Clock::now();
  result.metadata = ComputeMetadata(image);
  result.timing.metadata_ms = MillisSince(metadata_start);

  const auto inference_start = Clock::now();
  result.faces = detector.Detect(image.rgb, options);
  result.mode = options.EffectiveMode();
  result.timing.inference_ms = MillisSince(inference_start);

  const auto analysis_start = Clock::now();
  AnalyseFaces(image.rgb, result.faces);
  ToOriginalPixels(result.faces, image.scale);
  for (Face& face : result.faces) face.size = FaceSizeOf(face.box);
  result.timing.analysis_ms = MillisSince(analysis_start);
  result.timing.total_ms = MillisSince(start);
  return result;
}

void to_json(nlohmann::json& out, const Box& box) {
  out = {{"x", Round2(box.x)}, {"y", Round2(box.y)}, {"width", Round2(box.width)}, {"height", Round2(box.height)}};
}

void to_json(nlohmann::json& out, const Face& face) {
  nlohmann::json landmarks = nlohmann::json::array();
  for (const Landmark& point : face.landmarks) {
    landmarks.push_back({{"type", point.type}, {"x", Round2(point.x)}, {"y", Round2(point.y)}});
  }
  out = {{"box", face.box}, {"confidence", std::round(face.confidence * 10000.0) / 10000.0}, {"landmarks", landmarks}};
  if (face.quality) {
    out["quality"] = {{"sharpness", Round3(face.quality->sharpness)}, {"brightness", Round3(face.quality->brightness)}};
  }
  if (face.pose) {
    out["pose"] = {
        {"roll", Round2(face.pose->roll)}, {"yaw", Round2(face.pose->yaw)}, {"pitch", Round2(face.pose->pitch)}};
  }
  if (face.size) out["size"] = FaceSizeName(*face.size);
}

}  // namespace faceloop::detect
