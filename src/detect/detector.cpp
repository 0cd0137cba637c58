#include "detect/detector.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace faceloop::detect {

std::string_view ModeName(DetectMode mode) {
  switch (mode) {
    case DetectMode::kFast: return "fast";
    case DetectMode::kAccurate: return "accurate";
    case DetectMode::kCrowd: return "crowd";
  }
  return "fast";
}

DetectMode ParseMode(std::string_view name) {
  for (DetectMode mode : {DetectMode::kFast, DetectMode::kAccurate, DetectMode::kCrowd}) {
    if (ModeName(mode) == name) return mode;
  }
  throw Error(ErrorCode::kUnprocessable, "mode must be fast, accurate or crowd, not '" + std::string(name) + "'");
}

std::vector<Face> ApplyLimits(std::vector<Face> faces, const DetectOptions& options) {
  std::stable_sort(faces.begin(), faces.end(),
                   [](const Face& a, const Face& b) { return a.confidence > b.confidence; });
  std::erase_if(faces, [&](const Face& face) { return face.confidence < options.min_confidence; });
  if (options.max_faces > 0 && faces.size() > static_cast<std::size_t>(options.max_faces)) {
    faces.resize(static_cast<std::size_t>(options.max_faces));
  }
  return faces;
}

}  // namespace faceloop::detect
