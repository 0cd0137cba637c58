#include "detect/models/letterbox.hpp"

#include <gtest/gtest.h>

namespace faceloop::detect {
namespace {

TEST(LetterboxTest, LandscapeFitsLongSideAndAligns) {
  const Letterbox box = Letterbox::Fit(cv::Size(640, 480), 192, 32, false);
  EXPECT_DOUBLE_EQ(box.scale, 0.3);
  EXPECT_EQ(box.resized, cv::Size(192, 144));
  EXPECT_EQ(box.input, cv::Size(192, 160));
}

TEST(LetterboxTest, SquareInputForFixedSizeModels) {
  const Letterbox box = Letterbox::Fit(cv::Size(300, 600), 128, 16, true);
  EXPECT_EQ(box.resized, cv::Size(64, 128));
  EXPECT_EQ(box.input, cv::Size(128, 128));
}

TEST(LetterboxTest, MapsNetworkPixelsBackToImage) {
  const Letterbox box = Letterbox::Fit(cv::Size(1000, 500), 250, 1, false);
  const Box mapped = box.ToImage(Box{25, 50, 10, 20});
  EXPECT_FLOAT_EQ(mapped.x, 100.f);
  EXPECT_FLOAT_EQ(mapped.y, 200.f);
  EXPECT_FLOAT_EQ(mapped.width, 40.f);
  EXPECT_FLOAT_EQ(mapped.height, 80.f);
  const cv::Point2f point = box.ToImage(cv::Point2f(250, 125));
  EXPECT_FLOAT_EQ(point.x, 1000.f);
  EXPECT_FLOAT_EQ(point.y, 500.f);
}

TEST(LetterboxTest, BlobIsNormalisedAndPaddedWithZero) {
  cv::Mat rgb(10, 20, CV_8UC3, cv::Scalar(255, 0, 128));
  const Letterbox box = Letterbox::Fit(rgb.size(), 20, 8, false);
  cv::Mat blob;
  FillInputBlob(rgb, box, blob);
  ASSERT_EQ(blob.dims, 4);
  EXPECT_EQ(blob.size[2], 16);  // 10 rounded up to a multiple of 8
  EXPECT_EQ(blob.size[3], 24);
  const auto at = [&](int c, int y, int x) { return blob.ptr<float>(0, c)[y * blob.size[3] + x]; };
  EXPECT_FLOAT_EQ(at(0, 0, 0), 1.f);                // R = 255
  EXPECT_FLOAT_EQ(at(1, 0, 0), -1.f);               // G = 0
  EXPECT_NEAR(at(2, 5, 5), 128 / 127.5 - 1, 1e-6);  // B = 128
  EXPECT_FLOAT_EQ(at(0, 12, 5), 0.f);               // padding row
  EXPECT_FLOAT_EQ(at(0, 5, 22), 0.f);               // padding column
}

TEST(LetterboxTest, NhwcInputHoldsTheBlobsPixelsInterleaved) {
  cv::Mat rgb(37, 50, CV_8UC3);
  cv::randu(rgb, 0, 256);
  const Letterbox box = Letterbox::Fit(rgb.size(), 40, 16, false);
  cv::Mat blob;
  FillInputBlob(rgb, box, blob);
  // Stale values from a larger earlier input must not survive in the padding.
  std::vector<float> nhwc(4096, 7.f);
  FillInputNhwc(rgb, box, nhwc);
  ASSERT_EQ(nhwc.size(), static_cast<std::size_t>(box.input.area() * 3));
  for (int y = 0; y < box.input.height; ++y) {
    for (int x = 0; x < box.input.width; ++x) {
      for (int c = 0; c < 3; ++c) {
        ASSERT_EQ(nhwc[static_cast<std::size_t>((y * box.input.width + x) * 3 + c)],
                  blob.ptr<float>(0, c)[y * box.input.width + x])
            << "pixel (" << x << ", " << y << ") channel " << c;
      }
    }
  }
}

}  // namespace
}  // namespace faceloop::detect
