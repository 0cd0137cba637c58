#pragma once
// Per-format halves of decode.cpp. Header readers only parse; limits are enforced by decode.cpp between
// reading a header and decoding its pixels, so a pixel decoder may trust the header it is given.
#include <cstdint>
#include <span>
#include <string>

#include <opencv2/core.hpp>

#include "detect/decode/image.hpp"

namespace faceloop::detect::internal {

/// Throws the 400 faceloop::Error for bytes a decoder could not make sense of.
[[noreturn]] void ThrowCorrupt(const std::string& message);

/// Size, channels and EXIF orientation from a JPEG's markers (TurboJPEG). Throws 400.
ImageHeader ReadJpegHeader(std::span<const std::uint8_t> bytes);
/// Size and channels from a PNG's IHDR (and tRNS) chunks. Throws 400.
ImageHeader ReadPngHeader(std::span<const std::uint8_t> bytes);
/// Size and alpha from a WebP's RIFF chunks (libwebp). Throws 400, and 422 for animations.
ImageHeader ReadWebpHeader(std::span<const std::uint8_t> bytes);

struct JpegPixels {
  cv::Mat rgb;         // as stored, not yet oriented
  double scale = 1.0;  // the DCT scaling factor used
};

/// RGB pixels, DCT-scaled down as far as keeps the long side >= min_long_side (0 = full size).
JpegPixels DecodeJpeg(std::span<const std::uint8_t> bytes, const ImageHeader& header, int min_long_side);
/// RGB pixels (16-bit reduced to 8, alpha dropped). Throws 400.
cv::Mat DecodePng(std::span<const std::uint8_t> bytes, const ImageHeader& header);
/// RGB pixels (alpha dropped). Throws 400.
cv::Mat DecodeWebp(std::span<const std::uint8_t> bytes, const ImageHeader& header);

}  // namespace faceloop::detect::internal
