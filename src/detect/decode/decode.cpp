#include "detect/decode/decode.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "common/error.hpp"
#include "detect/decode/decode_internal.hpp"
#include "detect/decode/exif.hpp"

namespace faceloop::detect {
namespace {

constexpr std::uint8_t kJpegMagic[] = {0xFF, 0xD8, 0xFF};
constexpr std::uint8_t kPngMagic[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
constexpr std::uint8_t kRiffMagic[] = {'R', 'I', 'F', 'F'};
constexpr std::uint8_t kWebpMagic[] = {'W', 'E', 'B', 'P'};
constexpr std::size_t kWebpMagicOffset = 8;  // after "RIFF" and the 32-bit RIFF size
constexpr double kMebibyte = 1024.0 * 1024.0;

bool HasAt(std::span<const std::uint8_t> bytes, std::size_t offset, std::span<const std::uint8_t> magic) {
  return bytes.size() >= offset + magic.size() &&
         std::equal(magic.begin(), magic.end(), bytes.begin() + static_cast<std::ptrdiff_t>(offset));
}

/// Up to two decimals, trailing zeros dropped: "50", "12.5", "10000".
std::string ShortNumber(double value) {
  char text[64];
  (void)std::snprintf(text, sizeof(text), "%.2f", value);
  std::string out = text;
  out.erase(out.find_last_not_of('0') + 1);
  if (out.back() == '.') out.pop_back();
  return out;
}

/// Byte counts in MB where the limit is large enough for MB to be meaningful.
std::string ByteCount(std::size_t bytes, bool in_megabytes) {
  return in_megabytes ? ShortNumber(static_cast<double>(bytes) / kMebibyte) + " MB" : std::to_string(bytes) + " bytes";
}

void CheckByteLimit(std::size_t size, const DecodeLimits& limits) {
  if (size <= limits.max_bytes) return;
  const bool in_megabytes = limits.max_bytes >= static_cast<std::size_t>(kMebibyte);
  throw Error(ErrorCode::kPayloadTooLarge, "image is " + ByteCount(size, in_megabytes) + ", over the " +
                                               ByteCount(limits.max_bytes, in_megabytes) + " limit");
}

void CheckDimensions(const ImageHeader& header, const DecodeLimits& limits) {
  const std::string size = std::to_string(header.width) + "x" + std::to_string(header.height);
  if (header.width <= 0 || header.height <= 0) {
    throw Error(ErrorCode::kUnprocessable, "image has no pixels (" + size + ")");
  }
  if (header.width < limits.min_side || header.height < limits.min_side) {
    throw Error(ErrorCode::kUnprocessable,
                "image is " + size + ", under the minimum side of " + std::to_string(limits.min_side) + " px");
  }
  const std::int64_t pixels = std::int64_t{header.width} * header.height;
  if (pixels > limits.max_pixels) {
    throw Error(ErrorCode::kPayloadTooLarge,
                "image is " + size + " = " + ShortNumber(static_cast<double>(pixels) / 1e6) + " MP, over the " +
                    ShortNumber(static_cast<double>(limits.max_pixels) / 1e6) + " MP limit");
  }
}

ImageHeader ReadHeader(std::span<const std::uint8_t> bytes, ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg: return internal::ReadJpegHeader(bytes);
    case ImageFormat::kPng: return internal::ReadPngHeader(bytes);
    case ImageFormat::kWebp: return internal::ReadWebpHeader(bytes);
  }
  throw Error(ErrorCode::kInternal, "unhandled image format");
}

}  // namespace

namespace internal {

void ThrowCorrupt(const std::string& message) { throw Error(ErrorCode::kBadRequest, message); }

}  // namespace internal

std::optional<ImageFormat> SniffFormat(std::span<const std::uint8_t> bytes) {
  if (HasAt(bytes, 0, kJpegMagic)) return ImageFormat::kJpeg;
  if (HasAt(bytes, 0, kPngMagic)) return ImageFormat::kPng;
  if (HasAt(bytes, 0, kRiffMagic) && HasAt(bytes, kWebpMagicOffset, kWebpMagic)) {
    return ImageFormat::kWebp;
  }
  return std::nullopt;
}

ImageHeader ProbeHeader(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  CheckByteLimit(bytes.size(), limits);
  const auto format = SniffFormat(bytes);
  if (!format) {
    throw Error(ErrorCode::kUnsupportedMediaType,
                bytes.empty() ? "image is empty" : "image is not a JPEG, PNG or WebP");
  }
  ImageHeader header = ReadHeader(bytes, *format);
  CheckDimensions(header, limits);
  return header;
}

DecodedImage Decode(std::span<const std::uint8_t> bytes, const DecodeOptions& options) {
  DecodedImage image;
  image.header = ProbeHeader(bytes, options.limits);
  image.bytes = bytes.size();
  const ImageHeader& header = image.header;
  cv::Mat stored;
  switch (header.format) {
    case ImageFormat::kJpeg: {
      internal::JpegPixels jpeg = internal::DecodeJpeg(bytes, header, options.min_long_side);
      stored = std::move(jpeg.rgb);
      image.scale = jpeg.scale;
      break;
    }
    case ImageFormat::kPng: stored = internal::DecodePng(bytes, header); break;
    case ImageFormat::kWebp: stored = internal::DecodeWebp(bytes, header); break;
  }
  image.rgb = ApplyOrientation(stored, header.exif_orientation);
  const bool swap = SwapsAxes(header.exif_orientation);
  image.width = swap ? header.height : header.width;
  image.height = swap ? header.width : header.height;
  return image;
}

}  // namespace faceloop::detect
