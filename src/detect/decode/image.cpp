#include "detect/decode/image.hpp"

namespace faceloop::detect {

std::string FormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg: return "jpeg";
    case ImageFormat::kPng: return "png";
    case ImageFormat::kWebp: return "webp";
  }
  return "unknown";
}

}  // namespace faceloop::detect
