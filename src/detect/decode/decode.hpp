#pragma once
// Safe decoding of untrusted image bytes: the type is sniffed from magic bytes (never from a declared
// content type), limits are checked on the header before any pixel is decoded, and large JPEGs are
// decoded at reduced scale (libjpeg-turbo DCT scaling) when the caller needs fewer pixels.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "detect/decode/image.hpp"

namespace faceloop::detect {

struct DecodeLimits {
  std::size_t max_bytes = 20u * 1024 * 1024;  // 20 MB
  std::int64_t max_pixels = 50'000'000;       // 50 MP
  int min_side = 1;
};

struct DecodeOptions {
  DecodeLimits limits;
  /// 0 = full resolution. Otherwise a JPEG may be DCT-scaled (1/2, 1/4, 1/8) as long as its long
  /// side stays >= this many pixels.
  int min_long_side = 0;
};

/// Format from magic bytes, or nullopt when the bytes are none of JPEG, PNG, WebP.
std::optional<ImageFormat> SniffFormat(std::span<const std::uint8_t> bytes);

/// Reads only the header (dimensions, channels, EXIF orientation) and checks it against the limits,
/// allocating nothing in proportion to the claimed size. Throws faceloop::Error: 413 over the byte
/// limit (checked first) or the pixel limit, 415 unknown format, 400 corrupt or truncated header,
/// 422 zero-sized, under limits.min_side, or an animated WebP.
ImageHeader ProbeHeader(std::span<const std::uint8_t> bytes, const DecodeLimits& limits);

/// Decodes to 8-bit RGB (alpha dropped, 16-bit reduced) with EXIF orientation applied. Throws
/// faceloop::Error as ProbeHeader does, and 400 when the pixel data is corrupt or truncated.
DecodedImage Decode(std::span<const std::uint8_t> bytes, const DecodeOptions& options = {});

}  // namespace faceloop::detect
