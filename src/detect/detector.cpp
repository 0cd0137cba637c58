#include "detect/detector.hpp"

#include <algorithm>

namespace faceloop::detect {

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
