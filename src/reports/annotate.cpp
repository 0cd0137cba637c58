#include "reports/annotate.hpp"

#include <cairo.h>
#include <turbojpeg.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "common/error.hpp"
#include "detect/decode/decode.hpp"

#include <opencv2/imgproc.hpp>

namespace faceloop::reports {
namespace {

constexpr int kJpegQuality = 90;

using Surface = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
using Context = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;

/// The decoded RGB pixels as a cairo RGB24 surface (one native-endian 0xXXRRGGBB word a pixel).
Surface ToSurface(const detect::DecodedImage& decoded) {
  const cv::Mat& rgb = decoded.rgb;
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, rgb.cols, rgb.rows), cairo_surface_destroy);
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    throw Error(ErrorCode::kInternal, "annotate: cannot allocate the image");
  }
  cairo_surface_flush(surface.get());
  unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  for (int y = 0; y < rgb.rows; ++y) {
    const unsigned char* in = rgb.ptr<unsigned char>(y);
    auto* out = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
    for (int x = 0; x < rgb.cols; ++x) {
      out[x] = (std::uint32_t{in[3 * x]} << 16) | (std::uint32_t{in[3 * x + 1]} << 8) | in[3 * x + 2];
    }
  }
  cairo_surface_mark_dirty(surface.get());
  return surface;
}

double Number(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_number() ? it->get<double>() : std::nan("");
}

void DrawFace(cairo_t* cr, const nlohmann::json& face, double scale, double line) {
  if (!face.is_object() || !face.contains("box") || !face["box"].is_object()) return;
  const nlohmann::json& box = face["box"];
  const double x = Number(box, "x") * scale, y = Number(box, "y") * scale;
  const double w = Number(box, "width") * scale, h = Number(box, "height") * scale;
  if (!std::isfinite(x) || !std::isfinite(y) || !std::isfinite(w) || !std::isfinite(h)) return;
  cairo_set_source_rgb(cr, 0.1, 0.9, 0.2);
  cairo_set_line_width(cr, line);
  cairo_rectangle(cr, x, y, w, h);
  cairo_stroke(cr);
  if (face.contains("landmarks") && face["landmarks"].is_array()) {
    cairo_set_source_rgb(cr, 1.0, 0.2, 0.2);
    for (const nlohmann::json& point : face["landmarks"]) {
      const double px = Number(point, "x") * scale, py = Number(point, "y") * scale;
      if (!std::isfinite(px) || !std::isfinite(py)) continue;
      cairo_arc(cr, px, py, line * 1.5, 0, 2 * M_PI);
      cairo_fill(cr);
    }
  }
  const double confidence = Number(face, "confidence");
  if (std::isfinite(confidence)) {
    char text[16];
    (void)std::snprintf(text, sizeof text, "%.2f", confidence);
    cairo_set_font_size(cr, std::max(10.0, line * 6));
    cairo_text_extents_t extents;
    cairo_text_extents(cr, text, &extents);
    const double ty = y > extents.height + 2 * line ? y - line : y + h + extents.height + line;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, x, ty - extents.height - line, extents.x_advance + 2 * line, extents.height + 2 * line);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_move_to(cr, x + line, ty);
    cairo_show_text(cr, text);
  }
}

cairo_status_t AppendBytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

std::string EncodeJpeg(cairo_surface_t* surface) {
  using Handle = std::unique_ptr<void, decltype(&tjDestroy)>;
  Handle tj(tjInitCompress(), tjDestroy);
  unsigned char* jpeg = nullptr;
  unsigned long size = 0;
  // RGB24 words are 0xXXRRGGBB in native order: B, G, R, X in memory on little-endian machines.
  const int status =
      tjCompress2(tj.get(), cairo_image_surface_get_data(surface), cairo_image_surface_get_width(surface),
                  cairo_image_surface_get_stride(surface), cairo_image_surface_get_height(surface), TJPF_BGRX, &jpeg,
                  &size, TJSAMP_420, kJpegQuality, TJFLAG_ACCURATEDCT);
  std::unique_ptr<unsigned char, decltype(&tjFree)> owned(jpeg, tjFree);
  if (tj == nullptr || status != 0) throw Error(ErrorCode::kInternal, "annotate: JPEG encoding failed");
  return std::string(reinterpret_cast<const char*>(jpeg), size);
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// The q parameter of a media range (RFC 9110 12.4.2); 1 without one, 0 when it does not parse.
double Quality(std::string_view params) {
  for (std::size_t at = 0; at < params.size();) {
    const std::size_t end = std::min(params.find(';', at), params.size());
    const std::string_view param = Trim(params.substr(at, end - at));
    if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      char* stop = nullptr;
      const std::string value(param.substr(2));
      const double q = std::strtod(value.c_str(), &stop);
      return stop == value.c_str() + value.size() && q >= 0 && q <= 1 ? q : 0;
    }
    at = end + 1;
  }
  return 1;
}

}  // namespace

std::optional<AnnotatedFormat> NegotiateAnnotatedFormat(std::string_view accept) {
  if (Trim(accept).empty()) return AnnotatedFormat::kJpeg;
  std::optional<AnnotatedFormat> best;
  double best_q = 0;
  for (std::size_t at = 0; at <= accept.size();) {
    const std::size_t end = std::min(accept.find(',', at), accept.size());
    const std::string_view range = accept.substr(at, end - at);
    const std::size_t semicolon = std::min(range.find(';'), range.size());
    const std::string type = Lower(Trim(range.substr(0, semicolon)));
    const double q = Quality(range.substr(std::min(semicolon + 1, range.size())));
    std::optional<AnnotatedFormat> format;
    if (type == "image/png") format = AnnotatedFormat::kPng;
    if (type == "image/jpeg" || type == "image/*" || type == "*/*") format = AnnotatedFormat::kJpeg;
    if (format && q > best_q) best = format, best_q = q;
    at = end + 1;
  }
  return best;
}

std::string AnnotateImage(std::span<const std::uint8_t> image, const nlohmann::json& faces, AnnotatedFormat format,
                          int max_side) {
  detect::DecodeOptions options;
  options.min_long_side = max_side;  // a large JPEG is DCT-scaled first: most of the work saved
  detect::DecodedImage decoded = detect::Decode(image, options);
  const int long_side = std::max(decoded.rgb.cols, decoded.rgb.rows);
  if (max_side > 0 && long_side > max_side) {
    const double factor = static_cast<double>(max_side) / long_side;
    cv::Mat small;
    cv::resize(decoded.rgb, small, cv::Size(), factor, factor, cv::INTER_AREA);
    decoded.rgb = small;
    decoded.scale *= factor;
  }
  Surface surface = ToSurface(decoded);
  Context cr(cairo_create(surface.get()), cairo_destroy);
  const double line = std::max(2.0, std::max(decoded.rgb.cols, decoded.rgb.rows) / 300.0);
  if (faces.is_array()) {
    for (const nlohmann::json& face : faces) DrawFace(cr.get(), face, decoded.scale, line);
  }
  cairo_surface_flush(surface.get());
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) throw Error(ErrorCode::kInternal, "annotate: drawing failed");
  if (format == AnnotatedFormat::kJpeg) return EncodeJpeg(surface.get());
  std::string png;
  if (cairo_surface_write_to_png_stream(surface.get(), AppendBytes, &png) != CAIRO_STATUS_SUCCESS) {
    throw Error(ErrorCode::kInternal, "annotate: PNG encoding failed");
  }
  return png;
}

}  // namespace faceloop::reports
