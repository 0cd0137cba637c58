// WebP via libwebp: features (size, alpha, animation) from the RIFF header, then RGB pixels.
#include <string>

#include <opencv2/core.hpp>
#include <webp/decode.h>

#include "common/error.hpp"
#include "detect/decode/decode_internal.hpp"

namespace faceloop::detect::internal {

ImageHeader ReadWebpHeader(std::span<const std::uint8_t> bytes) {
  WebPBitstreamFeatures features{};
  const VP8StatusCode status = WebPGetFeatures(bytes.data(), bytes.size(), &features);
  if (status != VP8_STATUS_OK) {
    ThrowCorrupt("corrupt WebP header (libwebp status " + std::to_string(status) + ")");
  }
  if (features.has_animation != 0) {
    throw Error(ErrorCode::kUnprocessable, "animated WebP is not supported");
  }
  ImageHeader header;
  header.format = ImageFormat::kWebp;
  header.width = features.width;
  header.height = features.height;
  header.has_alpha = features.has_alpha != 0;
  header.channels = header.has_alpha ? 4 : 3;
  return header;
}

cv::Mat DecodeWebp(std::span<const std::uint8_t> bytes, const ImageHeader& header) {
  cv::Mat rgb(header.height, header.width, CV_8UC3);
  const std::size_t buffer_size = rgb.step * static_cast<std::size_t>(rgb.rows);
  if (WebPDecodeRGBInto(bytes.data(), bytes.size(), rgb.data, buffer_size, static_cast<int>(rgb.step)) == nullptr) {
    ThrowCorrupt("corrupt or truncated WebP");
  }
  return rgb;
}

}  // namespace faceloop::detect::internal
