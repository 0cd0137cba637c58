#include "detect/analysis/face_quality.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace faceloop::detect {
namespace {

/// A 128x128 RGB texture of fine stripes and blocks: lots of edges.
cv::Mat Texture() {
  cv::Mat rgb(128, 128, CV_8UC3);
  for (int y = 0; y < rgb.rows; ++y)
    for (int x = 0; x < rgb.cols; ++x) {
      const auto v = static_cast<std::uint8_t>(((x / 3 + y / 5) % 2) * 180 + 30);
      rgb.at<cv::Vec3b>(y, x) = cv::Vec3b(v, v, v);
    }
  return rgb;
}

TEST(FaceQuality, BlurLowersSharpness) {
  const cv::Mat sharp = Texture();
  cv::Mat blurred;
  cv::GaussianBlur(sharp, blurred, cv::Size(0, 0), 4.0);
  const Box box{0, 0, 128, 128};
  const FaceQuality a = MeasureQuality(sharp, box), b = MeasureQuality(blurred, box);
  EXPECT_GT(a.sharpness, 0.9f);
  EXPECT_LT(b.sharpness, 0.5f * a.sharpness);
  EXPECT_GT(b.sharpness, 0.f);
  // Blurring keeps the mean.
  EXPECT_NEAR(a.brightness, b.brightness, 0.02f);
}

TEST(FaceQuality, FlatPatchHasNoDetailAndItsOwnBrightness) {
  const cv::Mat gray(50, 50, CV_8UC3, cv::Scalar(51, 51, 51));
  const FaceQuality q = MeasureQuality(gray, Box{10, 10, 20, 30});
  EXPECT_FLOAT_EQ(q.sharpness, 0.f);
  EXPECT_NEAR(q.brightness, 0.2f, 1e-3f);
  const cv::Mat white(50, 50, CV_8UC3, cv::Scalar(255, 255, 255));
  EXPECT_NEAR(MeasureQuality(white, Box{0, 0, 50, 50}).brightness, 1.f, 1e-6f);
}

TEST(FaceQuality, BoxesAreClippedToTheImage) {
  cv::Mat half(40, 40, CV_8UC3, cv::Scalar(0, 0, 0));
  half(cv::Rect(20, 0, 20, 40)).setTo(cv::Scalar(255, 255, 255));
  // Only the white right half is inside this box.
  EXPECT_NEAR(MeasureQuality(half, Box{20, -10, 60, 60}).brightness, 1.f, 1e-6f);
  const FaceQuality outside = MeasureQuality(half, Box{100, 100, 10, 10});
  EXPECT_EQ(outside.sharpness, 0.f);
  EXPECT_EQ(outside.brightness, 0.f);
}

TEST(FaceQuality, TheAstronautsFaceIsSharperThanItsBlurredCopy) {
  cv::Mat bgr = cv::imread("/usr/lib/python3/dist-packages/skimage/data/astronaut.png");
  ASSERT_FALSE(bgr.empty());
  cv::Mat rgb, blurred;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  cv::GaussianBlur(rgb, blurred, cv::Size(0, 0), 3.0);
  const Box face{178, 57, 95, 120};
  EXPECT_GT(MeasureQuality(rgb, face).sharpness, 0.8f);
  EXPECT_LT(MeasureQuality(blurred, face).sharpness, 0.5f);
}

TEST(FaceSize, BucketsByHeight) {
  EXPECT_EQ(FaceSizeOf(Box{0, 0, 40, 15.9f}), FaceSize::kTiny);
  EXPECT_EQ(FaceSizeOf(Box{0, 0, 10, 16}), FaceSize::kSmall);
  EXPECT_EQ(FaceSizeOf(Box{0, 0, 10, 95}), FaceSize::kMedium);
  EXPECT_EQ(FaceSizeOf(Box{0, 0, 10, 96}), FaceSize::kLarge);
  EXPECT_EQ(FaceSizeName(FaceSize::kMedium), "medium");
}

}  // namespace
}  // namespace faceloop::detect
