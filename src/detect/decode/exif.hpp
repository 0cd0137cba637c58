#pragma once
// EXIF orientation: read from a JPEG's APP1 "Exif" segment with a small bounds-checked parser (the
// bytes are untrusted, and orientation is the only tag we need), and applied to decoded pixels.
#include <cstdint>
#include <span>

#include <opencv2/core.hpp>

namespace faceloop::detect {

/// EXIF orientation (1..8) of a JPEG, from the first APP1 "Exif" segment before the scan data.
/// Returns 1 (upright) when there is none or it cannot be read: a bad EXIF block is not worth
/// rejecting an otherwise decodable image for.
int JpegExifOrientation(std::span<const std::uint8_t> jpeg);

/// Orientation tag (0x0112) of IFD0 in a TIFF-structured EXIF block (the APP1 payload after
/// "Exif\0\0"); 1 when absent, out of range or unreadable.
int TiffOrientation(std::span<const std::uint8_t> tiff);

/// True for orientations 5..8, whose upright image has width and height swapped.
bool SwapsAxes(int orientation);

/// `image` turned upright for an EXIF orientation 1..8 (other values are treated as 1). Returns
/// `image` itself (shared data) for orientation 1.
cv::Mat ApplyOrientation(const cv::Mat& image, int orientation);

}  // namespace faceloop::detect
