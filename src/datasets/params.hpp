#pragma once
// What an export is asked for, parsed and checked once for the CLI (`faceloop export`) and the API
// (POST /v1/exports): the strategies with their parameters, the filters, the caps, the format and
// where it goes. Every refusal is Error(kUnprocessable) naming the parameter. The parsed form is
// also what the manifest records (ToJson), so an export says exactly how it was selected.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace faceloop::datasets {

using Time = std::chrono::system_clock::time_point;

enum class StrategyKind { kUncertain, kFeedback, kOutliers, kDrifted, kStratified, kRandom };
enum class Format { kCoco, kYolo, kWider, kLabelStudio };

std::string_view ToString(StrategyKind kind);
std::string_view ToString(Format format);

/// One strategy and its parameters (only those of its kind are read; the rest keep defaults).
struct Strategy {
  StrategyKind kind = StrategyKind::kRandom;
  std::int64_t limit = 0;     ///< most picks it may contribute; 0: up to the export's limit
  double band = 0.1;          ///< uncertain: a face within `band` above the request's threshold
  double low = 0.5;           ///< uncertain: or the best face's confidence below this
  double threshold = 3.5;     ///< outliers: the robust z cut
  std::int64_t per_bin = 10;  ///< stratified: picks per (brightness bin, face-size bin)
  std::int64_t seed = 0;      ///< random: which control sample (the same seed, the same sample)
};

inline constexpr std::int64_t kDefaultLimit = 1000;
inline constexpr std::int64_t kMaxLimit = 1'000'000;
inline constexpr int kDefaultNearDistance = 4;  ///< dHash bits that may differ for "the same picture"

struct ExportParams {
  std::vector<Strategy> strategies;  ///< in the order given: earlier ones tag a shared pick
  Format format = Format::kCoco;
  std::string to;  ///< a folder or s3://bucket/prefix
  std::int64_t limit = kDefaultLimit;
  std::optional<std::int64_t> per_user;
  std::optional<Time> from;   ///< received_at >= from
  std::optional<Time> until;  ///< received_at < until
  std::optional<std::string> model_version;
  int near_distance = kDefaultNearDistance;  ///< -1: no perceptual de-duplication
};

/// The API body (and the CLI's flags, gathered into the same shape):
///   {"strategies": "uncertain,random" | ["uncertain", ...],
///    "params": {"uncertain": {"band": 0.1, "low": 0.5, "limit": 100}, "random": {"seed": 7}, ...},
///    "format": "coco", "to": "...", "limit": 1000, "per_user": 50, "from": "RFC 3339",
///    "until": "RFC 3339", "model_version": "...", "near_duplicate_distance": 4}
/// Unknown keys are refused too: a typo must not silently widen an export.
ExportParams ParseExportParams(const nlohmann::json& body);

/// The parsed parameters, every default filled in (the manifest's `params`).
nlohmann::json ToJson(const ExportParams& params);
nlohmann::json ToJson(const Strategy& strategy);

}  // namespace faceloop::datasets
