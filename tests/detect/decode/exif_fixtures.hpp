#pragma once
// EXIF fixtures for tests: an APP1 segment carrying only an Orientation tag, spliced into a JPEG.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace faceloop::detect::testing {

using Bytes = std::vector<std::uint8_t>;

/// A minimal TIFF block: header, IFD0 with one Orientation (SHORT) entry, no next IFD.
inline Bytes TiffWithOrientation(int orientation, bool little_endian) {
  auto u16 = [&](Bytes& out, unsigned v) {
    const auto hi = static_cast<std::uint8_t>(v >> 8), lo = static_cast<std::uint8_t>(v);
    out.push_back(little_endian ? lo : hi);
    out.push_back(little_endian ? hi : lo);
  };
  auto u32 = [&](Bytes& out, unsigned v) {
    if (little_endian) {
      u16(out, v & 0xFFFF);
      u16(out, v >> 16);
    } else {
      u16(out, v >> 16);
      u16(out, v & 0xFFFF);
    }
  };
  Bytes tiff = little_endian ? Bytes{'I', 'I'} : Bytes{'M', 'M'};
  u16(tiff, 42);
  u32(tiff, 8);       // IFD0 right after the header
  u16(tiff, 1);       // one entry
  u16(tiff, 0x0112);  // Orientation
  u16(tiff, 3);       // SHORT
  u32(tiff, 1);       // count
  u16(tiff, static_cast<unsigned>(orientation));
  u16(tiff, 0);  // value field padding
  u32(tiff, 0);  // no next IFD
  return tiff;
}

/// `jpeg` with an APP1 Exif segment inserted right after SOI, as cameras write it.
inline Bytes WithExif(const Bytes& jpeg, const Bytes& tiff) {
  const std::size_t length = 2 + 6 + tiff.size();
  Bytes segment = {
      0xFF, 0xE1, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length & 0xFF), 'E', 'x', 'i', 'f',
      0,    0};
  segment.insert(segment.end(), tiff.begin(), tiff.end());
  Bytes out(jpeg.size() + segment.size());
  std::copy(jpeg.begin(), jpeg.begin() + 2, out.begin());
  std::copy(segment.begin(), segment.end(), out.begin() + 2);
  std::copy(jpeg.begin() + 2, jpeg.end(), out.begin() + 2 + static_cast<long>(segment.size()));
  return out;
}

}  // namespace faceloop::detect::testing
