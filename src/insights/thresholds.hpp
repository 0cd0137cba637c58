#pragma once
// The thresholds of the drift verdict (docs/insights.md#drift), configurable in the `[insights]`
// table of the configuration. Header-only and dependency-free so that service::Config can hold
// them without linking the insights library; ForEachThreshold is the one list of their names.
#include <cstdint>
#include <string_view>

namespace faceloop::insights {

struct DriftThresholds {
  double psi_warn = 0.1;          ///< PSI at or above: `warn`
  double psi_alert = 0.25;        ///< PSI at or above: `drift`
  double ks_alert = 0.1;          ///< binned KS distance at or above: `drift`
  double mean_shift_alert = 0.5;  ///< |mean shift| in reference standard deviations at or above: `drift`
  std::int64_t min_sample = 100;  ///< values needed in each window for any verdict
  double alpha = 0.001;           ///< a statistic counts only when its p-value is below this

  /// `visit(name, member)` once per threshold, in the order of the answer.
  template <typename Visit, typename Self>
  static void ForEachThreshold(Self& self, Visit&& visit) {
    visit(std::string_view("psi_warn"), self.psi_warn);
    visit(std::string_view("psi_alert"), self.psi_alert);
    visit(std::string_view("ks_alert"), self.ks_alert);
    visit(std::string_view("mean_shift_alert"), self.mean_shift_alert);
    visit(std::string_view("min_sample"), self.min_sample);
    visit(std::string_view("alpha"), self.alpha);
  }
};

}  // namespace faceloop::insights
