#include "reports/sentences.hpp"

#include <array>
#include <cmath>
#include <cstdio>

namespace faceloop::reports {
namespace {

/// How the images at either end of a field are called.
struct FieldWords {
  std::string_view field;
  std::string_view low;
  std::string_view high;
};

constexpr std::array<FieldWords, 12> kFieldWords = {{
    {"image.brightness", "dark images", "bright images"},
    {"image.contrast", "low-contrast images", "high-contrast images"},
    {"image.sharpness", "blurry images", "sharp images"},
    {"image.saturation", "muted images", "saturated images"},
    {"image.colorfulness", "dull images", "colourful images"},
    {"image.dark_fraction", "images with few dark pixels", "images with many dark pixels"},
    {"image.bright_fraction", "images with few blown-out pixels", "images with many blown-out pixels"},
    {"image.width", "narrow images", "wide images"},
    {"image.height", "short images", "tall images"},
    {"image.bytes", "small files", "large files"},
    {"image.channels", "grey images", "colour images"},
    {"image.exif_orientation", "upright images", "rotated images"},
}};

std::string TargetWords(std::string_view target) {
  if (target == "confidence_max") return "confidence";
  if (target == "confidence_mean") return "mean face confidence";
  if (target == "face_count") return "the face count";
  return std::string(target);
}

std::string EndWords(std::string_view field, bool high) {
  for (const FieldWords& words : kFieldWords) {
    if (words.field == field) return std::string(high ? words.high : words.low);
  }
  const std::string_view name = field.substr(field.find('.') == std::string_view::npos ? 0 : field.find('.') + 1);
  return std::string("images with ") + (high ? "high " : "low ") + std::string(name);
}

}  // namespace

std::string GroupThousands(std::int64_t n) {
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string CorrelationSentence(std::string_view field, std::string_view target, double spearman, std::int64_t n) {
  char rho[16];
  // Rounded first so that -0.004 reads "0.00", not "-0.00".
  const double rounded = std::round(spearman * 100.0) / 100.0;
  (void)std::snprintf(rho, sizeof rho, "%.2f", rounded == 0.0 ? 0.0 : rounded);
  return TargetWords(target) + " is lower for " + EndWords(field, spearman < 0) + ": Spearman " + rho +
         ", n = " + GroupThousands(n);
}

}  // namespace faceloop::reports
