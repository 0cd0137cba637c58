#pragma once
// Ground truth for offline evaluation, in the facebench JSON layout (WIDER FACE boxes plus the official
// easy/medium/hard keep-lists). Only what the AP protocol needs is kept; attributes are dropped.
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "detect/face.hpp"

namespace faceloop::eval {

/// WIDER FACE evaluation settings, ordered so that a face of difficulty D is a positive in every
/// setting S with D <= S.
enum class Difficulty { kEasy, kMedium, kHard };

/// Number of settings; Difficulty values index arrays of this size.
inline constexpr int kDifficultyCount = 3;

/// "easy", "medium" or "hard".
std::string_view DifficultyName(Difficulty difficulty);

struct GroundTruthFace {
  detect::Box box;
  /// Easiest setting whose keep-list holds the face; empty when in none (ignored in every setting).
  std::optional<Difficulty> difficulty;
};

struct AnnotatedImage {
  std::filesystem::path file;  // absolute, or relative to the current directory
  int width = 0, height = 0;
  std::vector<GroundTruthFace> faces;
  std::vector<detect::Box> ignore;  // regions where detections count as neither TP nor FP
};

/// Reads a facebench annotation file. Each image's "file" is resolved relative to the JSON's directory.
/// "ignore" may be absent (no ignore boxes); other keys besides the ones used are skipped.
/// Throws faceloop::Error: kNotFound when the file cannot be opened, kBadRequest (naming the offending
/// field, e.g. "images[3].faces[2]") when the JSON or a field is malformed.
std::vector<AnnotatedImage> LoadAnnotations(const std::filesystem::path& json_path);

}  // namespace faceloop::eval
