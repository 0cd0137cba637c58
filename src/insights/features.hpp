#pragma once
// The features insights measure: ONE table (Features()) saying, for each, how to read it from a
// request record, its fixed bin edges and its unit. The hourly rollups (rollup_bins rows), the
// summary's percentiles and later drift and correlations all derive from it.
//
// A feature's edges are part of the stored data (rollup_bins.bin is an index into them): never
// change the edges of a feature that has shipped; add a feature under a new name instead.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "requests/record.hpp"

namespace faceloop::insights {

/// What one value of a feature describes.
enum class Scope {
  kRequest,  ///< one value per request (or none, when the record lacks it)
  kFace,     ///< one value per returned face
};

struct Feature {
  std::string_view name;  ///< stable: stored in rollup_bins.feature; dotted like the record's JSON
  std::string_view unit;  ///< for people: "ms", "px", "bytes", "score", "0..1", ...
  Scope scope = Scope::kRequest;
  std::string_view doc;  ///< one line for docs/insights.md
  /// Ascending bin edges: bin i holds [edges[i], edges[i+1]). Values below the first edge count
  /// in bin 0 and values at or above the last in the last bin (their sums stay exact).
  std::vector<double> edges;
  /// Appends the record's finite values of this feature to `out` (none when absent).
  std::function<void(const requests::RequestRecord&, std::vector<double>& out)> read;

  std::size_t bins() const { return edges.size() - 1; }
};

/// Every feature, in a stable order.
const std::vector<Feature>& Features();
/// The feature called `name`; nullptr when there is none.
const Feature* FindFeature(std::string_view name);

/// The bin of `value` (clamped into the first and last bins, see Feature::edges).
std::size_t BinOf(const Feature& feature, double value);

/// Edges 0, then lo, lo*ratio, lo*ratio^2, ... until the first edge >= hi: relative resolution for
/// quantities spanning orders of magnitude (latency, pixels, bytes).
std::vector<double> GeometricEdges(double lo, double hi, double ratio);
/// Edges lo, lo+step, ... , hi.
std::vector<double> LinearEdges(double lo, double hi, double step);

/// The feature table of docs/insights.md (a test keeps the doc in step).
std::string FeaturesMarkdown();

/// The features the summary reports.
inline constexpr std::string_view kLatencyFeature = "total_ms";
inline constexpr std::string_view kConfidenceFeature = "faces.confidence";

}  // namespace faceloop::insights
