#include "reports/charts.hpp"

#include <cairo.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "common/error.hpp"

namespace faceloop::reports {
namespace {

constexpr double kMarginLeft = 56;
constexpr double kMarginRight = 16;
constexpr double kMarginTop = 30;
constexpr double kMarginBottom = 26;

using Surface = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
using Context = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;

struct Plot {
  double left, top, width, height, lo, hi;
  std::size_t steps;

  double X(std::size_t i) const {
    return steps <= 1 ? left + width / 2 : left + width * static_cast<double>(i) / static_cast<double>(steps - 1);
  }
  double Y(double v) const { return top + height * (1 - (v - lo) / (hi - lo)); }
};

std::string Number(double v) {
  char text[32];
  (void)std::snprintf(text, sizeof text, "%.3g", v);
  return text;
}

void Text(cairo_t* cr, double x, double y, const std::string& text, double size = 11) {
  cairo_set_font_size(cr, size);
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, text.c_str());
}

/// The value range with some room; bars start at zero.
std::pair<double, double> Range(const ChartSpec& spec) {
  double lo = spec.kind == ChartKind::kBars ? 0 : 1e300;
  double hi = spec.kind == ChartKind::kBars ? 0 : -1e300;
  for (const auto& v : spec.values) {
    if (v) lo = std::min(lo, *v), hi = std::max(hi, *v);
  }
  if (lo > hi) return {0, 1};  // no values
  if (hi - lo < 1e-9) return {lo - 0.5, hi + 0.5};
  const double pad = spec.kind == ChartKind::kBars ? 0 : (hi - lo) * 0.05;
  return {lo - pad, hi + (hi - lo) * 0.05};
}

void DrawFrame(cairo_t* cr, const ChartSpec& spec, const Plot& plot) {
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  Text(cr, kMarginLeft, 18, spec.title, 13);
  cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
  Text(cr, 4, plot.top + 10, Number(plot.hi));
  Text(cr, 4, plot.top + plot.height, Number(plot.lo));
  Text(cr, plot.left, plot.top + plot.height + 18, spec.first_label);
  cairo_text_extents_t extents;
  cairo_text_extents(cr, spec.last_label.c_str(), &extents);
  Text(cr, plot.left + plot.width - extents.x_advance, plot.top + plot.height + 18, spec.last_label);
  cairo_set_line_width(cr, 1);
  cairo_rectangle(cr, plot.left, plot.top, plot.width, plot.height);
  cairo_stroke(cr);
}

void DrawLine(cairo_t* cr, const ChartSpec& spec, const Plot& plot) {
  cairo_set_source_rgb(cr, 0.12, 0.38, 0.75);
  cairo_set_line_width(cr, 2);
  bool drawing = false;
  for (std::size_t i = 0; i < spec.values.size(); ++i) {
    if (!spec.values[i]) {
      drawing = false;  // a gap where a step had no values
      continue;
    }
    const double x = plot.X(i);
    const double y = plot.Y(*spec.values[i]);
    drawing ? cairo_line_to(cr, x, y) : cairo_move_to(cr, x, y);
    drawing = true;
    cairo_arc(cr, x, y, 1.5, 0, 6.2832);
    cairo_move_to(cr, x, y);
  }
  cairo_stroke(cr);
}

void DrawBars(cairo_t* cr, const ChartSpec& spec, const Plot& plot) {
  cairo_set_source_rgb(cr, 0.2, 0.6, 0.4);
  const double slot = plot.width / static_cast<double>(std::max<std::size_t>(spec.values.size(), 1));
  for (std::size_t i = 0; i < spec.values.size(); ++i) {
    if (!spec.values[i]) continue;
    const double top = plot.Y(*spec.values[i]);
    cairo_rectangle(cr, plot.left + slot * static_cast<double>(i) + slot * 0.1, top, slot * 0.8,
                    plot.top + plot.height - top);
  }
  cairo_fill(cr);
}

cairo_status_t AppendPng(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

std::string DrawChart(const ChartSpec& spec) {
  if (spec.width < 100 || spec.height < 80) throw Error(ErrorCode::kInternal, "charts: too small to draw");
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, spec.width, spec.height), cairo_surface_destroy);
  Context cr(cairo_create(surface.get()), cairo_destroy);
  const auto [lo, hi] = Range(spec);
  const Plot plot{kMarginLeft,
                  kMarginTop,
                  spec.width - kMarginLeft - kMarginRight,
                  spec.height - kMarginTop - kMarginBottom,
                  lo,
                  hi,
                  spec.values.size()};
  DrawFrame(cr.get(), spec, plot);
  spec.kind == ChartKind::kBars ? DrawBars(cr.get(), spec, plot) : DrawLine(cr.get(), spec, plot);
  cairo_surface_flush(surface.get());
  std::string png;
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS ||
      cairo_surface_write_to_png_stream(surface.get(), AppendPng, &png) != CAIRO_STATUS_SUCCESS) {
    throw Error(ErrorCode::kInternal, "charts: cairo failed to draw or encode the chart");
  }
  return png;
}

}  // namespace faceloop::reports
