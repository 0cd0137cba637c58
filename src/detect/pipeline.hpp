#pragma once
// Bytes in, faces out: decode (with header limits and DCT scaling), metadata, detection, and boxes
// mapped back to the original upright image. Used by the CLI, the benchmarks and the HTTP service.
#include <cstdint>
#include <span>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "detect/decode/decode.hpp"
#include "detect/decode/metadata.hpp"
#include "detect/detector.hpp"

namespace faceloop::detect {

struct Timings {
  double decode_ms = 0;
  double metadata_ms = 0;
  double inference_ms = 0;
  double total_ms = 0;
};

struct DetectionResult {
  ImageMetadata metadata;
  std::vector<Face> faces;  // original image pixels
  Timings timing;
};

/// Throws faceloop::Error for bad bytes (see Decode).
DetectionResult RunDetection(IDetector& detector, std::span<const std::uint8_t> bytes, const DetectOptions& options,
                             const DecodeLimits& limits = {});

/// Scales boxes and landmarks by 1/scale (from a DCT-scaled decode back to original pixels).
void ToOriginalPixels(std::vector<Face>& faces, double scale);

void to_json(nlohmann::json& out, const Box& box);
void to_json(nlohmann::json& out, const Face& face);

}  // namespace faceloop::detect
