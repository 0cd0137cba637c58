// PNG: the header from IHDR/tRNS by hand (no allocation, so limits can be checked first), pixels via
// libpng's simplified API, which contains libpng's setjmp/longjmp error handling inside C frames.
#include <cstring>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <png.h>

#include "detect/decode/decode_internal.hpp"

namespace faceloop::detect::internal {
namespace {

// signature (8) | length (4) | "IHDR" (4) | width (4) | height (4) | depth, color type, compression,
// filter, interlace (1 each) | CRC (4)
constexpr std::size_t kIhdrEnd = 33;
constexpr std::size_t kFirstChunk = 8;
constexpr std::uint32_t kIhdrLength = 13;
constexpr std::uint32_t kMaxDimension = 0x7FFFFFFF;  // PNG limit: 2^31 - 1

std::uint32_t U32(std::span<const std::uint8_t> bytes, std::size_t at) {
  return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) | (std::uint32_t{bytes[at + 2]} << 8) |
         bytes[at + 3];
}

bool IsType(std::span<const std::uint8_t> bytes, std::size_t at, const char* type) {
  return std::memcmp(bytes.data() + at, type, 4) == 0;
}

/// Channels stored per pixel, or 0 when the bit depth is invalid for the color type.
int ChannelsOf(int color_type, int depth) {
  const bool byte_depth = depth == 8 || depth == 16;
  const bool low_depth = depth == 1 || depth == 2 || depth == 4;
  switch (color_type) {
    case 0: return byte_depth || low_depth ? 1 : 0;  // gray
    case 2: return byte_depth ? 3 : 0;               // RGB
    case 3: return low_depth || depth == 8 ? 3 : 0;  // palette
    case 4: return byte_depth ? 2 : 0;               // gray + alpha
    case 6: return byte_depth ? 4 : 0;               // RGBA
    default: return 0;
  }
}

/// Whether a tRNS chunk precedes the image data; walks only chunk headers, bounds-checked.
bool HasTransparencyChunk(std::span<const std::uint8_t> bytes) {
  std::size_t pos = kIhdrEnd;
  while (bytes.size() >= 8 && pos <= bytes.size() - 8) {
    const std::size_t length = U32(bytes, pos);
    if (IsType(bytes, pos + 4, "tRNS")) return true;
    if (IsType(bytes, pos + 4, "IDAT") || IsType(bytes, pos + 4, "IEND")) return false;
    if (length > bytes.size() - pos - 8) return false;
    pos += 12 + length;  // length, type, data, CRC
  }
  return false;
}

/// Frees what libpng allocated for the image on every way out of the decoder; a copy would free twice.
class PngImageGuard {
 public:
  explicit PngImageGuard(png_image* image) : image_(image) {}
  ~PngImageGuard() { png_image_free(image_); }
  PngImageGuard(const PngImageGuard&) = delete;
  PngImageGuard& operator=(const PngImageGuard&) = delete;

 private:
  png_image* image_;
};

}  // namespace

ImageHeader ReadPngHeader(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kIhdrEnd) ThrowCorrupt("truncated PNG header");
  if (U32(bytes, kFirstChunk) != kIhdrLength || !IsType(bytes, kFirstChunk + 4, "IHDR")) {
    ThrowCorrupt("corrupt PNG header: the first chunk is not a 13-byte IHDR");
  }
  const std::uint32_t width = U32(bytes, 16), height = U32(bytes, 20);
  if (width > kMaxDimension || height > kMaxDimension) {
    ThrowCorrupt("corrupt PNG header: dimensions over 2^31-1");
  }
  const int depth = bytes[24], color_type = bytes[25];
  int channels = ChannelsOf(color_type, depth);
  if (channels == 0) {
    ThrowCorrupt("corrupt PNG header: bit depth " + std::to_string(depth) + " is invalid for color type " +
                 std::to_string(color_type));
  }
  ImageHeader header;
  header.format = ImageFormat::kPng;
  header.width = static_cast<int>(width);
  header.height = static_cast<int>(height);
  header.has_alpha = color_type == 4 || color_type == 6;
  if (!header.has_alpha && HasTransparencyChunk(bytes)) {
    header.has_alpha = true;
    ++channels;
  }
  header.channels = channels;
  return header;
}

cv::Mat DecodePng(std::span<const std::uint8_t> bytes, const ImageHeader& header) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  PngImageGuard guard{&image};
  if (png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()) == 0) {
    ThrowCorrupt(std::string("corrupt PNG: ") + image.message);
  }
  if (static_cast<int>(image.width) != header.width || static_cast<int>(image.height) != header.height) {
    ThrowCorrupt("corrupt PNG: libpng and the IHDR disagree on the size");
  }
  // Read alpha when present rather than let libpng composite it, so alpha is dropped exactly as
  // for WebP; and treat 16-bit samples as sRGB (libpng otherwise assumes linear and brightens them).
  const bool alpha = (image.format & PNG_FORMAT_FLAG_ALPHA) != 0;
  image.format = alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
  image.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
  cv::Mat pixels(header.height, header.width, alpha ? CV_8UC4 : CV_8UC3);
  if (png_image_finish_read(&image, nullptr, pixels.data, static_cast<png_int_32>(pixels.step), nullptr) == 0) {
    ThrowCorrupt(std::string("corrupt or truncated PNG: ") + image.message);
  }
  if (!alpha) return pixels;
  cv::Mat rgb;
  cv::cvtColor(pixels, rgb, cv::COLOR_RGBA2RGB);
  return rgb;
}

}  // namespace faceloop::detect::internal
