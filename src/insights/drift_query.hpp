#pragma once
// The parameters of GET /v1/insights/drift and `faceloop insights drift`, parsed and checked once
// for both: every refusal is Error(kUnprocessable) naming the parameter.
#include <optional>
#include <string>
#include <vector>

#include "insights/bucket.hpp"
#include "insights/features.hpp"

namespace faceloop::insights {

/// The current window when none is given: the 24 hours up to the next whole hour; the reference
/// window: the 7 days before it.
inline constexpr int kDefaultCurrentHours = 24;
inline constexpr int kDefaultReferenceDays = 7;

/// [from, to) on whole hours.
struct HourWindow {
  Time from;
  Time to;
};

struct DriftQuery {
  std::vector<const Feature*> features;  ///< in the order of Features(), no repeats
  HourWindow reference;
  HourWindow current;
  std::optional<std::string> model_version;  ///< only this model version; else all together
};

/// The parameters as given; unset ones take their defaults.
struct DriftParams {
  /// Each a feature name or a comma-separated list of them; none: every feature.
  std::vector<std::string> features;
  std::optional<std::string> reference;  ///< FROM..TO (RFC 3339 UTC, whole hours)
  std::optional<std::string> current;    ///< FROM..TO
  std::optional<std::string> model_version;
};

/// Checks `params`: known features, windows FROM..TO of whole hours with FROM before TO, each at
/// most `max_days` days, and a non-empty model version when one is given.
DriftQuery ParseDriftQuery(const DriftParams& params, int max_days, Time now);

}  // namespace faceloop::insights
