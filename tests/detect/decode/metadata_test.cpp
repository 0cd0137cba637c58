#include "detect/decode/metadata.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "detect/decode/decode.hpp"

namespace faceloop::detect {
namespace {

DecodedImage FromRgb(const cv::Mat& rgb) {
  DecodedImage image;
  image.header.format = ImageFormat::kPng;
  image.header.width = image.width = rgb.cols;
  image.header.height = image.height = rgb.rows;
  image.rgb = rgb;
  return image;
}

cv::Mat Checkerboard(int size, int square) {
  cv::Mat rgb(size, size, CV_8UC3);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const std::uint8_t v = ((x / square + y / square) % 2) != 0 ? 255 : 0;
      rgb.at<cv::Vec3b>(y, x) = {v, v, v};
    }
  }
  return rgb;
}

TEST(ComputeMetadata, UniformMidGray) {
  const ImageMetadata m = ComputeMetadata(FromRgb(cv::Mat(300, 400, CV_8UC3, cv::Scalar::all(128))));
  EXPECT_NEAR(m.brightness, 0.5, 0.01);
  EXPECT_NEAR(m.contrast, 0.0, 1e-6);
  EXPECT_NEAR(m.sharpness, 0.0, 1e-6);
  EXPECT_NEAR(m.saturation, 0.0, 1e-6);
  EXPECT_NEAR(m.colorfulness, 0.0, 1e-6);
  EXPECT_EQ(m.dark_fraction, 0.0);
  EXPECT_EQ(m.bright_fraction, 0.0);
  EXPECT_EQ(m.width, 400);
  EXPECT_EQ(m.height, 300);
}

TEST(ComputeMetadata, HalfBlackHalfWhite) {
  cv::Mat rgb(512, 512, CV_8UC3, cv::Scalar::all(0));
  rgb(cv::Rect(256, 0, 256, 512)).setTo(cv::Scalar::all(255));
  const ImageMetadata m = ComputeMetadata(FromRgb(rgb));
  EXPECT_NEAR(m.brightness, 0.5, 0.01);
  EXPECT_NEAR(m.contrast, 0.5, 0.01);
  EXPECT_NEAR(m.dark_fraction, 0.5, 0.01);
  EXPECT_NEAR(m.bright_fraction, 0.5, 0.01);
  EXPECT_NEAR(m.saturation, 0.0, 1e-6);
}

TEST(ComputeMetadata, ThresholdsAreInclusive) {
  EXPECT_EQ(ComputeMetadata(FromRgb(cv::Mat(8, 8, CV_8UC3, cv::Scalar::all(5)))).dark_fraction, 1.0);
  EXPECT_EQ(ComputeMetadata(FromRgb(cv::Mat(8, 8, CV_8UC3, cv::Scalar::all(6)))).dark_fraction, 0.0);
  EXPECT_EQ(ComputeMetadata(FromRgb(cv::Mat(8, 8, CV_8UC3, cv::Scalar::all(250)))).bright_fraction, 1.0);
}

TEST(ComputeMetadata, PureRedIsFullySaturatedAndColorful) {
  const ImageMetadata m = ComputeMetadata(FromRgb(cv::Mat(64, 64, CV_8UC3, cv::Scalar(255, 0, 0))));
  EXPECT_NEAR(m.saturation, 1.0, 1e-6);
  EXPECT_GT(m.colorfulness, 0.0);
  EXPECT_NEAR(m.colorfulness, 0.3 * std::hypot(255.0, 127.5), 0.01);  // no spread, all mean
  EXPECT_NEAR(m.brightness, 0.299, 0.001);
}

TEST(ComputeMetadata, CheckerboardIsSharperThanItsBlur) {
  const cv::Mat sharp = Checkerboard(512, 16);
  cv::Mat blurred;
  cv::GaussianBlur(sharp, blurred, cv::Size(0, 0), 6.0);
  const double sharp_value = ComputeMetadata(FromRgb(sharp)).sharpness;
  EXPECT_GT(sharp_value, 100.0);
  EXPECT_GT(sharp_value, 10 * ComputeMetadata(FromRgb(blurred)).sharpness);
}

TEST(ComputeMetadata, SharpnessDoesNotDependOnResolution) {
  // The same picture at two resolutions: both reduce to the same 256-px thumbnail.
  const double small = ComputeMetadata(FromRgb(Checkerboard(512, 16))).sharpness;
  const double large = ComputeMetadata(FromRgb(Checkerboard(1024, 32))).sharpness;
  EXPECT_NEAR(large, small, 0.05 * small);
}

TEST(ComputeMetadata, TinyAndThinImagesWork) {
  EXPECT_NO_THROW(ComputeMetadata(FromRgb(cv::Mat(1, 1, CV_8UC3, cv::Scalar::all(9)))));
  EXPECT_NO_THROW(ComputeMetadata(FromRgb(cv::Mat(1, 5000, CV_8UC3, cv::Scalar::all(9)))));
}

TEST(ComputeMetadata, HeaderFieldsComeFromTheDecodedImage) {
  std::vector<std::uint8_t> bytes;
  ASSERT_TRUE(cv::imencode(".jpg", cv::Mat(30, 40, CV_8UC3, cv::Scalar(1, 2, 3)), bytes));
  const ImageMetadata m = ComputeMetadata(Decode(bytes));
  EXPECT_EQ(m.format, "jpeg");
  EXPECT_EQ(m.bytes, bytes.size());
  EXPECT_EQ(m.width, 40);
  EXPECT_EQ(m.height, 30);
  EXPECT_EQ(m.channels, 3);
  EXPECT_FALSE(m.has_alpha);
  EXPECT_EQ(m.exif_orientation, 1);
}

TEST(ImageMetadataJson, WritesEveryFieldInSnakeCase) {
  ImageMetadata m;
  m.format = "png";
  m.width = 7;
  m.sharpness = 12.5;
  const nlohmann::json json = m;
  for (const char* key :
       {"width", "height", "format", "bytes", "channels", "has_alpha", "exif_orientation", "brightness", "contrast",
        "sharpness", "saturation", "colorfulness", "dark_fraction", "bright_fraction"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_EQ(json.size(), 14u);
  EXPECT_EQ(json["format"], "png");
  EXPECT_EQ(json["width"], 7);
  EXPECT_EQ(json["sharpness"], 12.5);
}

}  // namespace
}  // namespace faceloop::detect
