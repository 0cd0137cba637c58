#pragma once
// Per-image statistics that go into every request record: cheap (computed on a fixed-size thumbnail)
// and deterministic.
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "detect/decode/image.hpp"

namespace faceloop::detect {

struct ImageMetadata {
  int width = 0;
  int height = 0;
  std::string format;
  std::size_t bytes = 0;
  int channels = 3;
  bool has_alpha = false;
  int exif_orientation = 1;
  double brightness = 0;       // mean luma, 0..1
  double contrast = 0;         // RMS contrast of luma, 0..1
  double sharpness = 0;        // variance of the Laplacian of 0..255 luma at a 256-px long side
  double saturation = 0;       // mean HSV saturation, 0..1
  double colorfulness = 0;     // Hasler & Suesstrunk, on 0..255 channels
  double dark_fraction = 0;    // fraction of luma <= 5/255
  double bright_fraction = 0;  // fraction of luma >= 250/255
};

/// Size, format and header fields from `image`; statistics from its pixels, measured on a copy
/// resized to a 256-px long side (so the cost is nearly constant and sharpness comparable across
/// resolutions). An image without pixels gets zero statistics.
ImageMetadata ComputeMetadata(const DecodedImage& image);
/// Writes every field under its snake_case name.
void to_json(nlohmann::json& out, const ImageMetadata& metadata);

}  // namespace faceloop::detect
