#pragma once
// The e-mail's charts as PNG bytes, drawn with cairo: a line (confidence over time, a correlation
// curve) or bars (volume). Deliberately plain: a title, the y range, first and last x labels.
#include <optional>
#include <string>
#include <vector>

namespace faceloop::reports {

enum class ChartKind { kLine, kBars };

struct ChartSpec {
  std::string title;
  ChartKind kind = ChartKind::kLine;
  std::vector<std::optional<double>> values;  ///< one per step; absent steps are gaps
  std::string first_label;                    ///< under the first step
  std::string last_label;                     ///< under the last step
  int width = 560;
  int height = 220;
};

/// A PNG of exactly spec.width x spec.height pixels. Throws Error(kInternal) when cairo fails.
std::string DrawChart(const ChartSpec& spec);

}  // namespace faceloop::reports
