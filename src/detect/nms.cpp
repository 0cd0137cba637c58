#include "detect/nms.hpp"

#include <algorithm>

namespace faceloop::detect {
namespace {

void SortByConfidence(std::vector<Face>& faces) {
  std::stable_sort(faces.begin(), faces.end(),
                   [](const Face& a, const Face& b) { return a.confidence > b.confidence; });
}

/// Removes the first (best) face of `remaining` and every face overlapping it; returns them, best
/// first. Taking the best one unconditionally keeps degenerate (zero-area) boxes from looping forever.
std::vector<Face> TakeCluster(std::vector<Face>& remaining, float iou_threshold) {
  std::vector<Face> cluster{remaining.front()};
  const Box anchor = remaining.front().box;
  std::vector<Face> rest;
  for (std::size_t i = 1; i < remaining.size(); ++i) {
    Face& face = remaining[i];
    (IoU(anchor, face.box) > iou_threshold ? cluster : rest).push_back(std::move(face));
  }
  remaining = std::move(rest);
  return cluster;
}

Face WeightedMean(const Face& best, const std::vector<Face>& cluster) {
  Face merged = best;
  float total = 0, x = 0, y = 0, w = 0, h = 0;
  std::vector<float> lx(best.landmarks.size(), 0.f), ly(best.landmarks.size(), 0.f);
  for (const Face& face : cluster) {
    const float weight = face.confidence;
    total += weight;
    x += weight * face.box.x;
    y += weight * face.box.y;
    w += weight * face.box.width;
    h += weight * face.box.height;
    for (std::size_t i = 0; i < lx.size() && i < face.landmarks.size(); ++i) {
      lx[i] += weight * face.landmarks[i].x;
      ly[i] += weight * face.landmarks[i].y;
    }
  }
  if (total <= 0) return merged;
  merged.box = Box{x / total, y / total, w / total, h / total};
  for (std::size_t i = 0; i < lx.size(); ++i) {
    merged.landmarks[i].x = lx[i] / total;
    merged.landmarks[i].y = ly[i] / total;
  }
  return merged;
}

}  // namespace

std::vector<Face> HardNms(std::vector<Face> faces, float iou_threshold) {
  SortByConfidence(faces);
  std::vector<Face> kept;
  while (!faces.empty()) {
    kept.push_back(TakeCluster(faces, iou_threshold).front());
  }
  return kept;
}

std::vector<Face> WeightedNms(std::vector<Face> faces, float iou_threshold) {
  SortByConfidence(faces);
  std::vector<Face> kept;
  while (!faces.empty()) {
    const std::vector<Face> cluster = TakeCluster(faces, iou_threshold);
    kept.push_back(WeightedMean(cluster.front(), cluster));
  }
  return kept;
}

}  // namespace faceloop::detect
