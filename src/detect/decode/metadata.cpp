#include "detect/decode/metadata.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "common/error.hpp"

namespace faceloop::detect {
namespace {

/// Statistics run on a copy this long, so their cost is nearly constant and sharpness (which
/// depends on scale) is comparable across resolutions.
constexpr int kThumbnailLongSide = 256;

/// 8-bit RGB resized so the long side is kThumbnailLongSide.
cv::Mat Thumbnail(const cv::Mat& rgb) {
  const double factor = static_cast<double>(kThumbnailLongSide) / std::max(rgb.cols, rgb.rows);
  const cv::Size size(std::max(1, static_cast<int>(std::lround(rgb.cols * factor))),
                      std::max(1, static_cast<int>(std::lround(rgb.rows * factor))));
  cv::Mat resized = rgb;
  // INTER_AREA is fast only for integer factors: box-filter by the largest integer factor first,
  // then finish with a bilinear step of less than 2x (about 4x cheaper than one fractional AREA pass).
  const int integer_factor = static_cast<int>(std::floor(1.0 / factor));
  if (integer_factor >= 2) {
    const cv::Size boxed(std::max(1, rgb.cols / integer_factor), std::max(1, rgb.rows / integer_factor));
    cv::resize(rgb, resized, boxed, 0, 0, cv::INTER_AREA);
  }
  if (resized.size() != size) cv::resize(resized, resized, size, 0, 0, cv::INTER_LINEAR);
  return resized;
}

/// Mean and standard deviation of integer samples from exact integer sums (scaled back by `unit`).
struct Moments {
  std::int64_t sum = 0, sum_sq = 0;
  void Add(std::int64_t v) {
    sum += v;
    sum_sq += v * v;
  }
  double Mean(double n, double unit) const { return static_cast<double>(sum) / n / unit; }
  double StdDev(double n, double unit) const {
    const double mean = static_cast<double>(sum) / n;
    return std::sqrt(std::max(0.0, static_cast<double>(sum_sq) / n - mean * mean)) / unit;
  }
};

// Rec.601 luma in integer thousandths of 0..255: 299 r + 587 g + 114 b, so 0..255000.
constexpr std::int64_t kLumaScale = 1000;
constexpr std::int64_t kLumaFull = 255 * kLumaScale;
constexpr std::int64_t kDarkLumaInt = 5 * kLumaScale;      // luma <= 5/255
constexpr std::int64_t kBrightLumaInt = 250 * kLumaScale;  // luma >= 250/255

/// 1 / v for the HSV saturation (max - min) / max of 8-bit channels, one division per value once.
const std::array<float, 256>& Reciprocals() {
  static const std::array<float, 256> table = [] {
    std::array<float, 256> t{};
    for (std::size_t v = 1; v < t.size(); ++v) t[v] = 1.0f / static_cast<float>(v);
    return t;
  }();
  return table;
}

/// Every per-pixel statistic in one pass over the 8-bit thumbnail, in integers (exact, and several
/// times cheaper than the same sums in double): Rec.601 luma, HSV saturation, the Hasler &
/// Suesstrunk (2003) opponent channels on 0..255 (yellow-blue doubled to stay integral), and the
/// clipping counts.
void PixelStatistics(const cv::Mat& rgb, ImageMetadata& out) {
  Moments luma, rg, yb2;
  double saturation = 0;
  std::int64_t dark = 0, bright = 0;
  const auto& reciprocal = Reciprocals();
  for (int y = 0; y < rgb.rows; ++y) {
    const auto* row = rgb.ptr<cv::Vec3b>(y);
    float row_saturation = 0;
    for (int x = 0; x < rgb.cols; ++x) {
      const int r = row[x][0], g = row[x][1], b = row[x][2];
      const std::int64_t l = 299 * r + 587 * g + 114 * b;
      luma.Add(l);
      dark += l <= kDarkLumaInt ? 1 : 0;
      bright += l >= kBrightLumaInt ? 1 : 0;
      const int hi = std::max({r, g, b}), lo = std::min({r, g, b});
      row_saturation += static_cast<float>(hi - lo) * reciprocal[static_cast<std::size_t>(hi)];
      rg.Add(r - g);
      yb2.Add(r + g - 2 * b);
    }
    saturation += row_saturation;
  }
  const auto n = static_cast<double>(rgb.total());
  out.brightness = luma.Mean(n, kLumaFull);
  out.contrast = luma.StdDev(n, kLumaFull);
  out.saturation = saturation / n;
  out.colorfulness = std::hypot(rg.StdDev(n, 1), yb2.StdDev(n, 2)) + 0.3 * std::hypot(rg.Mean(n, 1), yb2.Mean(n, 2));
  out.dark_fraction = static_cast<double>(dark) / n;
  out.bright_fraction = static_cast<double>(bright) / n;
}

/// Variance of the Laplacian of 0..255 luma (the usual blur-detection scale). In 16-bit integers,
/// which hold the 3x3 Laplacian of 8-bit pixels exactly, with integer sums: 3x cheaper than float.
double LaplacianVariance(const cv::Mat& rgb) {
  cv::Mat gray, laplacian;
  cv::cvtColor(rgb, gray, cv::COLOR_RGB2GRAY);
  cv::Laplacian(gray, laplacian, CV_16S);
  std::int64_t sum = 0, sum_sq = 0;
  for (int y = 0; y < laplacian.rows; ++y) {
    const auto* row = laplacian.ptr<std::int16_t>(y);
    std::int32_t row_sum = 0;
    std::int64_t row_sum_sq = 0;
    for (int x = 0; x < laplacian.cols; ++x) {
      row_sum += row[x];
      row_sum_sq += row[x] * row[x];
    }
    sum += row_sum;
    sum_sq += row_sum_sq;
  }
  const auto n = static_cast<double>(laplacian.total());
  const double mean = static_cast<double>(sum) / n;
  return std::max(0.0, static_cast<double>(sum_sq) / n - mean * mean);
}

void FillFromHeader(const DecodedImage& image, ImageMetadata& out) {
  out.width = image.width;
  out.height = image.height;
  out.format = FormatName(image.header.format);
  out.bytes = image.bytes;
  out.channels = image.header.channels;
  out.has_alpha = image.header.has_alpha;
  out.exif_orientation = image.header.exif_orientation;
}

}  // namespace

ImageMetadata ComputeMetadata(const DecodedImage& image) {
  ImageMetadata out;
  FillFromHeader(image, out);
  if (image.rgb.empty()) return out;  // nothing to measure; the header fields still stand
  if (image.rgb.type() != CV_8UC3) {
    throw Error(ErrorCode::kInternal, "ComputeMetadata needs 8-bit RGB pixels");
  }
  const cv::Mat rgb = Thumbnail(image.rgb);
  PixelStatistics(rgb, out);
  out.sharpness = LaplacianVariance(rgb);
  return out;
}

void to_json(nlohmann::json& out, const ImageMetadata& metadata) {
  out = nlohmann::json{
      {"width", metadata.width},
      {"height", metadata.height},
      {"format", metadata.format},
      {"bytes", metadata.bytes},
      {"channels", metadata.channels},
      {"has_alpha", metadata.has_alpha},
      {"exif_orientation", metadata.exif_orientation},
      {"brightness", metadata.brightness},
      {"contrast", metadata.contrast},
      {"sharpness", metadata.sharpness},
      {"saturation", metadata.saturation},
      {"colorfulness", metadata.colorfulness},
      {"dark_fraction", metadata.dark_fraction},
      {"bright_fraction", metadata.bright_fraction},
  };
}

}  // namespace faceloop::detect
