#include "detect/models/nms.hpp"

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

void KeepStrongest(std::vector<Face>& faces, std::size_t count) {
  if (faces.size() <= count) return;
  std::nth_element(faces.begin(), faces.begin() + static_cast<std::ptrdiff_t>(count), faces.end(),
                   [](const Face& a, const Face& b) { return a.confidence > b.confidence; });
  faces.resize(count);
}

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

namespace faceloop::detect {

std::vector<Face> MergePasses(const std::vector<std::vector<Face>>& passes, float iou_threshold) {
  struct Tagged {
    Face face;
    std::size_t pass;
  };
  std::vector<Tagged> all;
  for (std::size_t p = 0; p < passes.size(); ++p) {
    for (const Face& face : passes[p]) all.push_back({face, p});
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Tagged& a, const Tagged& b) { return a.face.confidence > b.face.confidence; });
  std::vector<Face> merged;
  std::vector<bool> used(all.size(), false);
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (used[i]) continue;
    std::vector<Face> cluster{all[i].face};
    std::vector<float> best_per_pass(passes.size(), 0.f);
    best_per_pass[all[i].pass] = all[i].face.confidence;
    for (std::size_t j = i + 1; j < all.size(); ++j) {
      if (used[j] || IoU(all[i].face.box, all[j].face.box) <= iou_threshold) continue;
      used[j] = true;
      cluster.push_back(all[j].face);
      best_per_pass[all[j].pass] = std::max(best_per_pass[all[j].pass], all[j].face.confidence);
    }
    Face face = WeightedMean(cluster.front(), cluster);
    float miss = 1.f;
    for (float c : best_per_pass) miss *= 1.f - c;
    face.confidence = 1.f - miss;
    merged.push_back(std::move(face));
  }
  return merged;
}

}  // namespace faceloop::detect
