#include "detect/decode/exif.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "detect/decode/decode.hpp"
#include "detect/decode/exif_fixtures.hpp"

namespace faceloop::detect {
namespace {

using Bytes = std::vector<std::uint8_t>;
using testing::TiffWithOrientation;
using testing::WithExif;

Bytes EncodeJpeg(const cv::Mat& bgr) {
  Bytes out;
  EXPECT_TRUE(cv::imencode(".jpg", bgr, out, {cv::IMWRITE_JPEG_QUALITY, 95}));
  return out;
}

/// Gray image with a red 16x16 block in the stored top-left corner.
cv::Mat MarkedImage(int width, int height) {
  cv::Mat bgr(height, width, CV_8UC3, cv::Scalar(128, 128, 128));
  bgr(cv::Rect(0, 0, 16, 16)).setTo(cv::Scalar(0, 0, 255));
  return bgr;
}

bool IsRed(const cv::Vec3b& rgb) { return rgb[0] > 200 && rgb[1] < 60 && rgb[2] < 60; }

TEST(JpegExifOrientation, ReadsBothByteOrders) {
  const Bytes jpeg = EncodeJpeg(MarkedImage(32, 24));
  for (int orientation = 1; orientation <= 8; ++orientation) {
    EXPECT_EQ(JpegExifOrientation(WithExif(jpeg, TiffWithOrientation(orientation, true))), orientation);
    EXPECT_EQ(JpegExifOrientation(WithExif(jpeg, TiffWithOrientation(orientation, false))), orientation);
  }
}

TEST(JpegExifOrientation, AbsentOrInvalidIsUpright) {
  const Bytes jpeg = EncodeJpeg(MarkedImage(32, 24));
  EXPECT_EQ(JpegExifOrientation(jpeg), 1);
  EXPECT_EQ(JpegExifOrientation(WithExif(jpeg, TiffWithOrientation(9, true))), 1);
  EXPECT_EQ(JpegExifOrientation(WithExif(jpeg, TiffWithOrientation(0, false))), 1);
  EXPECT_EQ(JpegExifOrientation(Bytes{}), 1);
  EXPECT_EQ(JpegExifOrientation(Bytes{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}), 1);
}

TEST(JpegExifOrientation, NeverReadsPastTheEnd) {
  // Every prefix of a JPEG with EXIF: the parser must stop at the end (ASan checks the reads).
  const Bytes full = WithExif(EncodeJpeg(MarkedImage(16, 16)), TiffWithOrientation(6, true));
  for (std::size_t size = 0; size <= 64; ++size) {
    const std::vector<std::uint8_t> prefix(full.begin(), full.begin() + static_cast<long>(size));
    const int orientation = JpegExifOrientation(prefix);
    EXPECT_TRUE(orientation == 1 || orientation == 6) << size;
  }
}

TEST(TiffOrientation, RejectsOffsetsOutsideTheBlock) {
  Bytes tiff = TiffWithOrientation(6, true);
  tiff[4] = 0xF0;  // IFD0 offset far past the end
  EXPECT_EQ(TiffOrientation(tiff), 1);
  tiff = TiffWithOrientation(6, true);
  tiff[8] = 0xFF;  // 255 entries claimed, one present
  tiff[9] = 0x00;
  EXPECT_EQ(TiffOrientation(tiff), 6);
  tiff = TiffWithOrientation(6, true);
  tiff[12] = 4;  // LONG instead of SHORT
  EXPECT_EQ(TiffOrientation(tiff), 1);
  const Bytes cut(tiff.begin(), tiff.begin() + 15);
  EXPECT_EQ(TiffOrientation(cut), 1);
}

TEST(ApplyOrientation, MovesCornersAsExifDefines) {
  // 3 wide, 2 tall; values are the stored positions.
  const cv::Mat stored = (cv::Mat_<std::uint8_t>(2, 3) << 1, 2, 3, 4, 5, 6);
  // Upright matrices for each orientation, row-major.
  const std::vector<std::vector<int>> upright = {{1, 2, 3, 4, 5, 6}, {3, 2, 1, 6, 5, 4}, {6, 5, 4, 3, 2, 1},
                                                 {4, 5, 6, 1, 2, 3}, {1, 4, 2, 5, 3, 6}, {4, 1, 5, 2, 6, 3},
                                                 {6, 3, 5, 2, 4, 1}, {3, 6, 2, 5, 1, 4}};
  for (int orientation = 1; orientation <= 8; ++orientation) {
    const cv::Mat out = ApplyOrientation(stored, orientation);
    EXPECT_EQ(out.cols, SwapsAxes(orientation) ? 2 : 3) << orientation;
    const std::vector<int> got(out.begin<std::uint8_t>(), out.end<std::uint8_t>());
    EXPECT_EQ(got, upright[static_cast<std::size_t>(orientation - 1)]) << orientation;
  }
  EXPECT_EQ(ApplyOrientation(stored, 0).cols, 3);  // invalid: left as stored
}

TEST(Decode, AppliesExifOrientationSix) {
  const Bytes bytes = WithExif(EncodeJpeg(MarkedImage(64, 48)), TiffWithOrientation(6, true));
  const DecodedImage image = Decode(bytes);
  EXPECT_EQ(image.header.exif_orientation, 6);
  EXPECT_EQ(image.header.width, 64);  // as stored
  EXPECT_EQ(image.header.height, 48);
  EXPECT_EQ(image.width, 48);  // upright
  EXPECT_EQ(image.height, 64);
  ASSERT_EQ(image.rgb.cols, 48);
  ASSERT_EQ(image.rgb.rows, 64);
  // Rotating 90 degrees clockwise takes the stored top-left corner to the top right.
  EXPECT_TRUE(IsRed(image.rgb.at<cv::Vec3b>(4, 48 - 1 - 4)));
  EXPECT_FALSE(IsRed(image.rgb.at<cv::Vec3b>(4, 4)));
}

TEST(Decode, OrientationAndDctScalingCombine) {
  const Bytes bytes = WithExif(EncodeJpeg(MarkedImage(800, 600)), TiffWithOrientation(8, false));
  DecodeOptions options;
  options.min_long_side = 200;
  const DecodedImage image = Decode(bytes, options);
  EXPECT_DOUBLE_EQ(image.scale, 0.25);
  EXPECT_EQ(image.width, 600);
  EXPECT_EQ(image.height, 800);
  ASSERT_EQ(image.rgb.cols, 150);
  ASSERT_EQ(image.rgb.rows, 200);
  // 90 degrees counter-clockwise takes the stored top-left corner to the bottom left.
  EXPECT_TRUE(IsRed(image.rgb.at<cv::Vec3b>(200 - 1 - 1, 1)));
}

}  // namespace
}  // namespace faceloop::detect
