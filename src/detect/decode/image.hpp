#pragma once
// A decoded image and what the decoder learned about the bytes it came from.
#include <cstddef>
#include <string>

#include <opencv2/core.hpp>

namespace faceloop::detect {

enum class ImageFormat { kJpeg, kPng, kWebp };
/// Lowercase name used in metadata and logs: "jpeg", "png", "webp".
std::string FormatName(ImageFormat format);

/// What the header says, known before any pixel is decoded.
struct ImageHeader {
  ImageFormat format = ImageFormat::kJpeg;
  int width = 0;  // as stored, before EXIF rotation
  int height = 0;
  int channels = 3;
  bool has_alpha = false;
  int exif_orientation = 1;  // 1..8, 1 = upright
};

struct DecodedImage {
  ImageHeader header;
  std::size_t bytes = 0;
  /// 8-bit RGB pixels, EXIF orientation already applied. May be smaller than the original when the
  /// decoder was allowed to scale down (see DecodeOptions::min_long_side); `scale` says by how much.
  cv::Mat rgb;
  /// The DCT scaling factor (1, 1/2, 1/4 or 1/8; always 1 for PNG and WebP): a pixel of rgb covers
  /// 1/scale original pixels, and rgb.cols == ceil(width * scale).
  double scale = 1.0;
  /// Upright (EXIF-applied) original size in pixels: what boxes are reported against.
  int width = 0;
  int height = 0;
};

}  // namespace faceloop::detect
