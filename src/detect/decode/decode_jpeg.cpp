// JPEG via TurboJPEG: header probe, DCT-scaled decoding, and CMYK (Adobe, inverted) to RGB.
#include <algorithm>
#include <memory>
#include <string>

#include <opencv2/core.hpp>
#include <turbojpeg.h>

#include "common/error.hpp"
#include "detect/decode/decode_internal.hpp"
#include "detect/decode/exif.hpp"

namespace faceloop::detect::internal {
namespace {

struct TjDeleter {
  void operator()(void* handle) const { tjDestroy(handle); }
};
using TjHandle = std::unique_ptr<void, TjDeleter>;

TjHandle MakeDecompressor() {
  TjHandle handle(tjInitDecompress());
  if (!handle) {
    throw Error(ErrorCode::kInternal,
                std::string("cannot create a TurboJPEG decompressor: ") + tjGetErrorStr2(nullptr));
  }
  return handle;
}

int ChannelsOf(int colorspace) {
  switch (colorspace) {
    case TJCS_GRAY: return 1;
    case TJCS_CMYK:
    case TJCS_YCCK: return 4;
    default: return 3;
  }
}

/// The strongest power-of-two reduction TurboJPEG offers that keeps the long side >= min_long_side.
tjscalingfactor PickScale(int width, int height, int min_long_side) {
  tjscalingfactor best{1, 1};
  int count = 0;
  const tjscalingfactor* factors = min_long_side > 0 ? tjGetScalingFactors(&count) : nullptr;
  const int long_side = std::max(width, height);
  for (int i = 0; factors != nullptr && i < count; ++i) {
    const tjscalingfactor factor = factors[i];
    const bool power_of_two = factor.num == 1 && (factor.denom == 2 || factor.denom == 4 || factor.denom == 8);
    if (power_of_two && factor.denom > best.denom && TJSCALED(long_side, factor) >= min_long_side) {
      best = factor;
    }
  }
  return best;
}

/// Adobe writes CMYK JPEGs inverted (255 = no ink), which is what nearly every CMYK JPEG is.
cv::Mat InvertedCmykToRgb(const cv::Mat& cmyk) {
  cv::Mat rgb(cmyk.size(), CV_8UC3);
  for (int y = 0; y < cmyk.rows; ++y) {
    const auto* in = cmyk.ptr<cv::Vec4b>(y);
    auto* out = rgb.ptr<cv::Vec3b>(y);
    for (int x = 0; x < cmyk.cols; ++x) {
      const int k = in[x][3];
      for (int c = 0; c < 3; ++c) out[x][c] = static_cast<std::uint8_t>((in[x][c] * k + 127) / 255);
    }
  }
  return rgb;
}

std::string TjError(const TjHandle& handle) { return tjGetErrorStr2(handle.get()); }

}  // namespace

ImageHeader ReadJpegHeader(std::span<const std::uint8_t> bytes) {
  TjHandle handle = MakeDecompressor();
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(handle.get(), bytes.data(), static_cast<unsigned long>(bytes.size()), &width, &height,
                          &subsampling, &colorspace) != 0) {
    ThrowCorrupt("corrupt JPEG header: " + TjError(handle));
  }
  // libjpeg pads a stream cut before the frame header with a fake EOI and reports success with no
  // size; a real JPEG frame cannot be empty (DNL-sized frames are unsupported by libjpeg anyway).
  if (width <= 0 || height <= 0) ThrowCorrupt("corrupt or truncated JPEG header: no frame size");
  ImageHeader header;
  header.format = ImageFormat::kJpeg;
  header.width = width;
  header.height = height;
  header.channels = ChannelsOf(colorspace);
  header.exif_orientation = JpegExifOrientation(bytes);
  return header;
}

JpegPixels DecodeJpeg(std::span<const std::uint8_t> bytes, const ImageHeader& header, int min_long_side) {
  TjHandle handle = MakeDecompressor();
  const tjscalingfactor factor = PickScale(header.width, header.height, min_long_side);
  const int width = TJSCALED(header.width, factor);
  const int height = TJSCALED(header.height, factor);
  const bool cmyk = header.channels == 4;
  cv::Mat pixels(height, width, cmyk ? CV_8UC4 : CV_8UC3);
  // A truncated JPEG only raises a libjpeg warning (the rest is filled gray); stop on it instead.
  // LIMITSCANS bounds the work a tiny progressive JPEG with thousands of scans can cause.
  const int flags = TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS;
  if (tjDecompress2(handle.get(), bytes.data(), static_cast<unsigned long>(bytes.size()), pixels.data, width,
                    static_cast<int>(pixels.step), height, cmyk ? TJPF_CMYK : TJPF_RGB, flags) != 0) {
    ThrowCorrupt("corrupt or truncated JPEG: " + TjError(handle));
  }
  return {cmyk ? InvertedCmykToRgb(pixels) : pixels, static_cast<double>(factor.num) / factor.denom};
}

}  // namespace faceloop::detect::internal
