#pragma once
// The production benchmark (docs/datasets.md "Measuring a model on your users' images"): a
// detector's WIDER-protocol AP on the imported labels, with the same matching and AP as facebench
// (src/eval), overall and per stratum: a period of the requests' arrival, the image's brightness,
// or the labelled faces' size. The caller runs the detector (cli/eval_labels.cpp, in parallel);
// this file says what is scored against what.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "detect/face.hpp"
#include "eval/annotations.hpp"
#include "labels/label.hpp"
#include "labels/store.hpp"
#include "requests/store.hpp"

namespace faceloop::labels {

/// What the strata are.
enum class StrataBy { kNone, kPeriod, kBrightness, kFaceSize };
/// "", "period", "brightness" or "face_size"; Error(kUnprocessable) naming `field` otherwise.
StrataBy ParseStrataBy(std::string_view text, std::string_view field);

/// A labelled request: its record (the image's key, size and metadata) and its current label.
struct LabelledImage {
  requests::RequestRecord record;
  Label label;
};

/// The labelled requests received in [from, to) (either open) whose records still exist.
std::vector<LabelledImage> LoadLabelled(LabelStore& labels, requests::RequestStore& requests, std::optional<Time> from,
                                        std::optional<Time> to);

/// The image's ground truth for the AP code: its faces positive in every setting (production
/// labels have no WIDER difficulty), its ignore boxes as ignored regions.
eval::AnnotatedImage TruthOf(const LabelledImage& image);

struct StratumScore {
  std::string name;  ///< "all", a period ("2026-11"), a brightness or face-size bin
  std::int64_t images = 0;
  std::int64_t faces = 0;  ///< positives
  std::int64_t detections = 0;
  double ap = 0;
};

struct BenchmarkOptions {
  StrataBy by = StrataBy::kNone;
  std::string period = "month";  ///< "day" or "month" for StrataBy::kPeriod
};

/// Scores `detections[i]` against `images[i]` (failed[i]: the image could not be read or run,
/// left out): overall first, then one per stratum in name order.
std::vector<StratumScore> Score(const std::vector<LabelledImage>& images,
                                const std::vector<std::vector<detect::Face>>& detections,
                                const std::vector<bool>& failed, const BenchmarkOptions& options);

nlohmann::json ToJson(const StratumScore& score);

}  // namespace faceloop::labels
