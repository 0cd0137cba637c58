#include "detect/decode/exif.hpp"

#include <cstddef>

#include <opencv2/core.hpp>

namespace faceloop::detect {
namespace {

constexpr std::uint16_t kOrientationTag = 0x0112;
constexpr std::uint16_t kTiffTypeShort = 3;
constexpr std::size_t kIfdEntrySize = 12;

/// Reads integers of either byte order at offsets the caller has already bounds-checked.
class TiffReader {
 public:
  TiffReader(std::span<const std::uint8_t> bytes, bool little_endian) : bytes_(bytes), little_endian_(little_endian) {}

  std::uint16_t U16(std::size_t at) const {
    const unsigned a = bytes_[at], b = bytes_[at + 1];
    return static_cast<std::uint16_t>(little_endian_ ? (b << 8) | a : (a << 8) | b);
  }
  std::uint32_t U32(std::size_t at) const {
    const std::uint32_t hi = U16(at), lo = U16(at + 2);
    return little_endian_ ? (lo << 16) | hi : (hi << 16) | lo;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  bool little_endian_;
};

int ValidOrEmpty(unsigned orientation) {
  return orientation >= 1 && orientation <= 8 ? static_cast<int>(orientation) : 1;
}

/// Markers without a length field: TEM, RSTn and a stray SOI.
bool IsStandaloneMarker(std::uint8_t marker) {
  return marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7);
}

bool IsExifPayload(std::span<const std::uint8_t> payload) {
  static constexpr std::uint8_t kExifId[] = {'E', 'x', 'i', 'f', 0, 0};
  if (payload.size() < sizeof(kExifId)) return false;
  for (std::size_t i = 0; i < sizeof(kExifId); ++i) {
    if (payload[i] != kExifId[i]) return false;
  }
  return true;
}

}  // namespace

int TiffOrientation(std::span<const std::uint8_t> tiff) {
  if (tiff.size() < 8) return 1;
  bool little_endian = false;
  if (tiff[0] == 'I' && tiff[1] == 'I') {
    little_endian = true;
  } else if (!(tiff[0] == 'M' && tiff[1] == 'M')) {
    return 1;
  }
  const TiffReader reader(tiff, little_endian);
  if (reader.U16(2) != 42) return 1;
  const std::size_t ifd = reader.U32(4);
  if (ifd > tiff.size() || tiff.size() - ifd < 2) return 1;
  const std::size_t count = reader.U16(ifd);
  // ifd <= size and count < 65536, so these offsets cannot overflow size_t.
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t entry = ifd + 2 + i * kIfdEntrySize;
    if (entry + kIfdEntrySize > tiff.size()) break;
    if (reader.U16(entry) != kOrientationTag) continue;
    if (reader.U16(entry + 2) != kTiffTypeShort || reader.U32(entry + 4) < 1) return 1;
    return ValidOrEmpty(reader.U16(entry + 8));  // a single SHORT sits left-aligned in the value
  }
  return 1;
}

int JpegExifOrientation(std::span<const std::uint8_t> jpeg) {
  if (jpeg.size() < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) return 1;
  std::size_t pos = 2;
  while (pos + 4 <= jpeg.size()) {
    if (jpeg[pos] != 0xFF) return 1;
    const std::uint8_t marker = jpeg[pos + 1];
    if (marker == 0xFF) {  // fill byte before a marker
      ++pos;
      continue;
    }
    if (IsStandaloneMarker(marker)) {
      pos += 2;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9) return 1;  // EXIF must precede the scan data
    const std::size_t length = (std::size_t{jpeg[pos + 2]} << 8) | jpeg[pos + 3];
    if (length < 2 || length > jpeg.size() - pos - 2) return 1;
    const auto payload = jpeg.subspan(pos + 4, length - 2);
    if (marker == 0xE1 && IsExifPayload(payload)) return TiffOrientation(payload.subspan(6));
    pos += 2 + length;
  }
  return 1;
}

bool SwapsAxes(int orientation) { return orientation >= 5 && orientation <= 8; }

cv::Mat ApplyOrientation(const cv::Mat& image, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2: cv::flip(image, out, 1); break;
    case 3: cv::rotate(image, out, cv::ROTATE_180); break;
    case 4: cv::flip(image, out, 0); break;
    case 5: cv::transpose(image, out); break;
    case 6: cv::rotate(image, out, cv::ROTATE_90_CLOCKWISE); break;
    case 7: {  // transverse: mirror across the anti-diagonal
      cv::Mat transposed;
      cv::transpose(image, transposed);
      cv::flip(transposed, out, -1);
      break;
    }
    case 8: cv::rotate(image, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: return image;
  }
  return out;
}

}  // namespace faceloop::detect
