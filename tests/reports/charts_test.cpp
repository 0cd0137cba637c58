// The charts are PNGs of the requested size, also with gaps, one step or no values at all.
#include "reports/charts.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace faceloop::reports {
namespace {

std::uint32_t Be32(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

/// Checks the signature and the IHDR chunk (RFC 2083: first chunk, 13 bytes) and returns (w, h).
std::pair<std::uint32_t, std::uint32_t> PngSize(const std::string& png) {
  EXPECT_GE(png.size(), 33u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(png.substr(png.size() - 8, 4), "IEND");
  return {Be32(png, 16), Be32(png, 20)};
}

TEST(ChartsTest, LineChartIsAPngOfTheRequestedSize) {
  ChartSpec spec{
      "Mean face confidence", ChartKind::kLine, {0.91, 0.93, std::nullopt, 0.88}, "2025-03-24", "2025-03-30", 560, 220};
  EXPECT_EQ(PngSize(DrawChart(spec)), std::make_pair(560u, 220u));
}

TEST(ChartsTest, BarsOneStepAndEmptyChartsDraw) {
  ChartSpec bars{"Requests", ChartKind::kBars, {3.0, 0.0, 12.0}, "a", "b", 300, 120};
  EXPECT_EQ(PngSize(DrawChart(bars)), std::make_pair(300u, 120u));
  ChartSpec one{"One", ChartKind::kLine, {0.5}, "", "", 200, 100};
  EXPECT_EQ(PngSize(DrawChart(one)), std::make_pair(200u, 100u));
  ChartSpec none{"None", ChartKind::kLine, {}, "", "", 200, 100};
  EXPECT_EQ(PngSize(DrawChart(none)), std::make_pair(200u, 100u));
}

}  // namespace
}  // namespace faceloop::reports
