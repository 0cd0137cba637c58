#include "detect/decode/metadata.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "common/error.hpp"

namespace faceloop::detect {
namespace {

/// Statistics run on a copy this long, so their cost is nearly constant and sharpness (which
/// depends on scale) is comparable across resolutions.
constexpr int kThumbnailLongSide = 256;
constexpr double kDarkLuma = 5.0 / 255.0;
constexpr double kBrightLuma = 250.0 / 255.0;
constexpr double kLumaTolerance = 1e-6;  // luma is float: 5/255 must count as dark

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

/// Mean and standard deviation from running sums.
struct Moments {
  double sum = 0, sum_sq = 0;
  void Add(double v) {
    sum += v;
    sum_sq += v * v;
  }
  double Mean(double n) const { return sum / n; }
  double StdDev(double n) const { return std::sqrt(std::max(0.0, sum_sq / n - Mean(n) * Mean(n))); }
};

/// Every per-pixel statistic in one pass over the 8-bit thumbnail (a dozen float image passes cost
/// 4x more): Rec.601 luma, HSV saturation, the Hasler & Suesstrunk (2003) opponent channels on
/// 0..255, and the clipping counts.
void PixelStatistics(const cv::Mat& rgb, ImageMetadata& out) {
  Moments luma, rg, yb;
  double saturation = 0;
  std::size_t dark = 0, bright = 0;
  for (int y = 0; y < rgb.rows; ++y) {
    const auto* row = rgb.ptr<cv::Vec3b>(y);
    for (int x = 0; x < rgb.cols; ++x) {
      const double r = row[x][0], g = row[x][1], b = row[x][2];
      const double l = (0.299 * r + 0.587 * g + 0.114 * b) / 255.0;
      luma.Add(l);
      dark += l <= kDarkLuma + kLumaTolerance ? 1 : 0;
      bright += l >= kBrightLuma - kLumaTolerance ? 1 : 0;
      const double hi = std::max({r, g, b}), lo = std::min({r, g, b});
      saturation += hi > 0 ? (hi - lo) / hi : 0.0;
      rg.Add(r - g);
      yb.Add(0.5 * (r + g) - b);
    }
  }
  const auto n = static_cast<double>(rgb.total());
  out.brightness = luma.Mean(n);
  out.contrast = luma.StdDev(n);
  out.saturation = saturation / n;
  out.colorfulness = std::hypot(rg.StdDev(n), yb.StdDev(n)) + 0.3 * std::hypot(rg.Mean(n), yb.Mean(n));
  out.dark_fraction = static_cast<double>(dark) / n;
  out.bright_fraction = static_cast<double>(bright) / n;
}

/// Variance of the Laplacian of 0..255 luma (the usual blur-detection scale).
double LaplacianVariance(const cv::Mat& rgb) {
  cv::Mat gray, laplacian;
  cv::cvtColor(rgb, gray, cv::COLOR_RGB2GRAY);
  cv::Laplacian(gray, laplacian, CV_32F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(laplacian, mean, stddev);
  return stddev[0] * stddev[0];
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
