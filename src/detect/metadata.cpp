#include "detect/metadata.hpp"

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

/// RGB in 0..1 floats, resized so the long side is kThumbnailLongSide.
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
  cv::Mat unit;
  resized.convertTo(unit, CV_32FC3, 1.0 / 255.0);
  return unit;
}

double Fraction(const cv::Mat& mask) {
  return static_cast<double>(cv::countNonZero(mask)) / static_cast<double>(mask.total());
}

/// Variance of the Laplacian, on 0..255 luma so values match the usual blur-detection scale.
double LaplacianVariance(const cv::Mat& luma) {
  cv::Mat luma_255, laplacian;
  luma.convertTo(luma_255, CV_64F, 255.0);
  cv::Laplacian(luma_255, laplacian, CV_64F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(laplacian, mean, stddev);
  return stddev[0] * stddev[0];
}

double MeanSaturation(const cv::Mat& rgb) {
  cv::Mat hsv;
  cv::cvtColor(rgb, hsv, cv::COLOR_RGB2HSV);  // float input: S is 0..1
  cv::Mat channels[3];
  cv::split(hsv, channels);
  return cv::mean(channels[1])[0];
}

/// Hasler & Suesstrunk (2003): spread plus 0.3 x mean of the opponent channels, on 0..255 values.
double Colorfulness(const cv::Mat& rgb) {
  cv::Mat channels[3];
  cv::split(rgb * 255.0, channels);
  const cv::Mat rg = channels[0] - channels[1];
  const cv::Mat yb = 0.5 * (channels[0] + channels[1]) - channels[2];
  cv::Scalar rg_mean, rg_std, yb_mean, yb_std;
  cv::meanStdDev(rg, rg_mean, rg_std);
  cv::meanStdDev(yb, yb_mean, yb_std);
  const double spread = std::hypot(rg_std[0], yb_std[0]);
  const double center = std::hypot(rg_mean[0], yb_mean[0]);
  return spread + 0.3 * center;
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
  cv::Mat luma;
  cv::cvtColor(rgb, luma, cv::COLOR_RGB2GRAY);  // Rec.601 weights
  cv::Scalar mean, stddev;
  cv::meanStdDev(luma, mean, stddev);
  out.brightness = mean[0];
  out.contrast = stddev[0];
  out.sharpness = LaplacianVariance(luma);
  out.saturation = MeanSaturation(rgb);
  out.colorfulness = Colorfulness(rgb);
  out.dark_fraction = Fraction(luma <= kDarkLuma + kLumaTolerance);
  out.bright_fraction = Fraction(luma >= kBrightLuma - kLumaTolerance);
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
