#include "detect/decode/decode.hpp"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "common/error.hpp"
#include "support/error_code.hpp"

namespace faceloop::detect {
namespace {

using faceloop::testing::CodeOf;

using Bytes = std::vector<std::uint8_t>;

/// Encodes a BGR (OpenCV order) image; ext is ".jpg", ".png" or ".webp".
Bytes Encode(const cv::Mat& bgr, const std::string& ext, const std::vector<int>& params = {}) {
  Bytes out;
  EXPECT_TRUE(cv::imencode(ext, bgr, out, params));
  return out;
}

/// Smooth but non-trivial content, so JPEG and WebP have real entropy-coded data to truncate.
cv::Mat Gradient(int width, int height) {
  cv::Mat bgr(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      bgr.at<cv::Vec3b>(y, x) = {static_cast<std::uint8_t>(x * 7 + y), static_cast<std::uint8_t>(y * 3),
                                 static_cast<std::uint8_t>((x ^ y) & 0xFF)};
    }
  }
  return bgr;
}

ErrorCode DecodeCode(const Bytes& bytes, const DecodeOptions& options = {}) {
  return CodeOf([&] { Decode(bytes, options); });
}

std::uint32_t Crc32(const std::uint8_t* data, std::size_t size) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void PutU32(Bytes& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

/// A PNG signature and a valid IHDR (correct CRC) claiming any size; no image data follows.
Bytes PngHeaderOnly(std::uint32_t width, std::uint32_t height) {
  Bytes out = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  PutU32(out, 13);
  const std::size_t type_at = out.size();
  for (char c : std::string("IHDR")) out.push_back(static_cast<std::uint8_t>(c));
  PutU32(out, width);
  PutU32(out, height);
  out.insert(out.end(), {8, 2, 0, 0, 0});  // 8-bit RGB, deflate, adaptive filter, no interlace
  PutU32(out, Crc32(out.data() + type_at, out.size() - type_at));
  return out;
}

TEST(SniffFormat, RecognizesEachFormatByMagic) {
  const cv::Mat image = Gradient(16, 16);
  EXPECT_EQ(SniffFormat(Encode(image, ".jpg")), ImageFormat::kJpeg);
  EXPECT_EQ(SniffFormat(Encode(image, ".png")), ImageFormat::kPng);
  EXPECT_EQ(SniffFormat(Encode(image, ".webp")), ImageFormat::kWebp);
}

TEST(SniffFormat, RejectsTextZerosAndEmptyWith415) {
  const std::string text = "GIF89a is not supported, and neither is plain text";
  const Bytes text_bytes(text.begin(), text.end());
  const Bytes zeros(64, 0);
  const Bytes riff_not_webp = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E'};
  for (const Bytes& bytes : {text_bytes, zeros, riff_not_webp, Bytes{}, Bytes{0xFF, 0xD8}}) {
    EXPECT_FALSE(SniffFormat(bytes).has_value());
    EXPECT_EQ(CodeOf([&] { ProbeHeader(bytes, {}); }), ErrorCode::kUnsupportedMediaType);
    EXPECT_EQ(DecodeCode(bytes), ErrorCode::kUnsupportedMediaType);
  }
}

TEST(ProbeHeader, HugePngIsRejectedFromTheHeaderAlone) {
  const Bytes bytes = PngHeaderOnly(100000, 100000);
  try {
    Decode(bytes);  // 30 GB of pixels if it tried: only the header check can make this pass
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kPayloadTooLarge);
    EXPECT_EQ(error.http_status(), 413);
    EXPECT_STREQ(error.what(), "image is 100000x100000 = 10000 MP, over the 50 MP limit");
  }
}

TEST(ProbeHeader, ReadsPngHeaderWithoutPixels) {
  const ImageHeader header = ProbeHeader(PngHeaderOnly(640, 480), {});
  EXPECT_EQ(header.format, ImageFormat::kPng);
  EXPECT_EQ(header.width, 640);
  EXPECT_EQ(header.height, 480);
  EXPECT_EQ(header.channels, 3);
  EXPECT_FALSE(header.has_alpha);
}

TEST(ProbeHeader, ZeroSizedOrTooSmallIs422) {
  EXPECT_EQ(CodeOf([] { ProbeHeader(PngHeaderOnly(0, 10), {}); }), ErrorCode::kUnprocessable);
  DecodeLimits limits;
  limits.min_side = 32;
  EXPECT_EQ(CodeOf([&] { ProbeHeader(PngHeaderOnly(16, 64), limits); }), ErrorCode::kUnprocessable);
}

TEST(ProbeHeader, PngDimensionsOverTwoToThe31AreCorrupt) {
  EXPECT_EQ(CodeOf([] { ProbeHeader(PngHeaderOnly(0x80000000u, 1), {}); }), ErrorCode::kBadRequest);
}

TEST(ProbeHeader, ByteLimitIs413BeforeAnythingElse) {
  const Bytes bytes = Encode(Gradient(64, 64), ".png");
  DecodeOptions options;
  options.limits.max_bytes = bytes.size() - 1;
  EXPECT_EQ(DecodeCode(bytes, options), ErrorCode::kPayloadTooLarge);
  // Size is checked before the format: a huge blob of junk is 413, not 415.
  EXPECT_EQ(DecodeCode(Bytes(bytes.size(), 'x'), options), ErrorCode::kPayloadTooLarge);
  options.limits.max_bytes = bytes.size();
  EXPECT_NO_THROW(Decode(bytes, options));
}

TEST(ProbeHeader, PixelLimitAppliesToEveryFormat) {
  DecodeLimits limits;
  limits.max_pixels = 64 * 64 - 1;
  for (const char* ext : {".jpg", ".png", ".webp"}) {
    const Bytes bytes = Encode(Gradient(64, 64), ext);
    EXPECT_EQ(CodeOf([&] { ProbeHeader(bytes, limits); }), ErrorCode::kPayloadTooLarge) << ext;
  }
}

TEST(Decode, EachFormatKeepsRgbChannelOrder) {
  cv::Mat bgr(32, 48, CV_8UC3, cv::Scalar(0, 0, 255));  // red, in OpenCV's BGR order
  const std::vector<std::pair<std::string, std::vector<int>>> formats = {
      {".jpg", {cv::IMWRITE_JPEG_QUALITY, 95}},
      {".png", {}},
      {".webp", {cv::IMWRITE_WEBP_QUALITY, 101}}};  // > 100 = lossless
  for (const auto& [ext, params] : formats) {
    const DecodedImage image = Decode(Encode(bgr, ext, params));
    ASSERT_EQ(image.rgb.type(), CV_8UC3) << ext;
    EXPECT_EQ(image.rgb.cols, 48) << ext;
    EXPECT_EQ(image.rgb.rows, 32) << ext;
    EXPECT_EQ(image.width, 48) << ext;
    EXPECT_EQ(image.height, 32) << ext;
    EXPECT_DOUBLE_EQ(image.scale, 1.0) << ext;
    const cv::Vec3b pixel = image.rgb.at<cv::Vec3b>(16, 24);
    EXPECT_GE(pixel[0], 250) << ext;
    EXPECT_LE(pixel[2], 5) << ext;
  }
}

TEST(Decode, TruncatedJpegIs400) {
  const Bytes whole = Encode(Gradient(256, 256), ".jpg");
  ASSERT_NO_THROW(Decode(whole));
  const Bytes half(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(whole.size() / 2));
  EXPECT_EQ(DecodeCode(half), ErrorCode::kBadRequest);
  const Bytes header_cut(whole.begin(), whole.begin() + 40);
  EXPECT_EQ(DecodeCode(header_cut), ErrorCode::kBadRequest);
}

TEST(Decode, CorruptPngIs400) {
  const Bytes whole = Encode(Gradient(128, 128), ".png");
  const Bytes half(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(whole.size() / 2));
  EXPECT_EQ(DecodeCode(half), ErrorCode::kBadRequest);
  Bytes flipped = whole;
  for (std::size_t i = 60; i < flipped.size() - 20; i += 7) flipped[i] ^= 0x5A;  // IDAT damage
  EXPECT_EQ(DecodeCode(flipped), ErrorCode::kBadRequest);
  Bytes bad_ihdr = whole;
  bad_ihdr[12] = 'X';  // first chunk no longer IHDR
  EXPECT_EQ(DecodeCode(bad_ihdr), ErrorCode::kBadRequest);
  EXPECT_EQ(DecodeCode(PngHeaderOnly(64, 64)), ErrorCode::kBadRequest);  // header, no IDAT
}

TEST(Decode, CorruptWebpIs400) {
  const Bytes whole = Encode(Gradient(128, 128), ".webp");
  const Bytes half(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(whole.size() / 2));
  EXPECT_EQ(DecodeCode(half), ErrorCode::kBadRequest);
  Bytes garbage = whole;
  for (std::size_t i = 12; i < garbage.size(); ++i) garbage[i] = static_cast<std::uint8_t>(i * 31);
  EXPECT_EQ(DecodeCode(garbage), ErrorCode::kBadRequest);
}

TEST(Decode, JpegDctScalingPicksTheStrongestFactorThatKeepsMinLongSide) {
  const Bytes bytes = Encode(cv::Mat(3000, 4000, CV_8UC3, cv::Scalar(40, 90, 200)), ".jpg");
  const struct {
    int min_long_side;
    double scale;
    int cols, rows;
  } cases[] = {{0, 1.0, 4000, 3000},   {640, 0.25, 1000, 750}, {1000, 0.25, 1000, 750}, {1001, 0.5, 2000, 1500},
               {500, 0.125, 500, 375}, {100, 0.125, 500, 375}, {3000, 1.0, 4000, 3000}};
  for (const auto& c : cases) {
    DecodeOptions options;
    options.min_long_side = c.min_long_side;
    const DecodedImage image = Decode(bytes, options);
    EXPECT_DOUBLE_EQ(image.scale, c.scale) << c.min_long_side;
    EXPECT_EQ(image.rgb.cols, c.cols) << c.min_long_side;
    EXPECT_EQ(image.rgb.rows, c.rows) << c.min_long_side;
    EXPECT_EQ(image.width, 4000);
    EXPECT_EQ(image.height, 3000);
  }
}

TEST(Decode, NonJpegFormatsIgnoreMinLongSide) {
  DecodeOptions options;
  options.min_long_side = 16;
  const DecodedImage image = Decode(Encode(Gradient(128, 64), ".png"), options);
  EXPECT_EQ(image.rgb.cols, 128);
  EXPECT_DOUBLE_EQ(image.scale, 1.0);
}

TEST(Decode, GrayJpegBecomesRgb) {
  cv::Mat gray(40, 40, CV_8UC1, cv::Scalar(100));
  const DecodedImage image = Decode(Encode(gray, ".jpg"));
  EXPECT_EQ(image.header.channels, 1);
  ASSERT_EQ(image.rgb.type(), CV_8UC3);
  const cv::Vec3b pixel = image.rgb.at<cv::Vec3b>(20, 20);
  EXPECT_NEAR(pixel[0], 100, 2);
  EXPECT_EQ(pixel[0], pixel[2]);
}

TEST(Decode, PngAlphaIsReportedAndDropped) {
  cv::Mat bgra(20, 30, CV_8UC4, cv::Scalar(10, 20, 30, 0));  // fully transparent
  const DecodedImage image = Decode(Encode(bgra, ".png"));
  EXPECT_TRUE(image.header.has_alpha);
  EXPECT_EQ(image.header.channels, 4);
  ASSERT_EQ(image.rgb.type(), CV_8UC3);
  EXPECT_EQ(image.rgb.at<cv::Vec3b>(0, 0), cv::Vec3b(30, 20, 10));  // color kept, alpha dropped
}

TEST(Decode, SixteenBitPngIsTreatedAsSrgb) {
  cv::Mat deep(8, 8, CV_16UC3, cv::Scalar(128 * 257, 128 * 257, 128 * 257));
  const DecodedImage image = Decode(Encode(deep, ".png"));
  EXPECT_NEAR(image.rgb.at<cv::Vec3b>(4, 4)[1], 128, 1);
}

TEST(Decode, GrayPngReportsOneChannel) {
  const DecodedImage image = Decode(Encode(cv::Mat(10, 12, CV_8UC1, cv::Scalar(7)), ".png"));
  EXPECT_EQ(image.header.channels, 1);
  EXPECT_EQ(image.rgb.at<cv::Vec3b>(5, 5), cv::Vec3b(7, 7, 7));
}

TEST(Decode, WebpAlphaIsReported) {
  cv::Mat bgra(20, 30, CV_8UC4, cv::Scalar(10, 20, 30, 128));
  const DecodedImage image = Decode(Encode(bgra, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}));
  EXPECT_EQ(image.header.format, ImageFormat::kWebp);
  EXPECT_TRUE(image.header.has_alpha);
  EXPECT_EQ(image.rgb.type(), CV_8UC3);
}

TEST(Decode, RealPhotograph) {
  const char* path = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png";
  std::ifstream file(path, std::ios::binary);
  if (!file) GTEST_SKIP() << path << " missing (Debian package python3-skimage)";
  const Bytes bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  const DecodedImage image = Decode(bytes);
  EXPECT_EQ(image.header.format, ImageFormat::kPng);
  EXPECT_EQ(image.width, 512);
  EXPECT_EQ(image.height, 512);
  EXPECT_EQ(image.rgb.cols, 512);
  EXPECT_EQ(image.rgb.rows, 512);
  EXPECT_EQ(image.bytes, bytes.size());
}

TEST(FormatName, IsLowercase) {
  EXPECT_EQ(FormatName(ImageFormat::kJpeg), "jpeg");
  EXPECT_EQ(FormatName(ImageFormat::kPng), "png");
  EXPECT_EQ(FormatName(ImageFormat::kWebp), "webp");
}

}  // namespace
}  // namespace faceloop::detect
