#pragma once
// Non-maximum suppression over face candidates.
#include <vector>

#include "detect/face.hpp"

namespace faceloop::detect {

/// Keeps the `count` most confident faces (in no particular order): bounds the work of NMS.
void KeepStrongest(std::vector<Face>& faces, std::size_t count);

/// Classic NMS: keeps the highest-scoring face of every cluster overlapping above `iou_threshold`.
std::vector<Face> HardNms(std::vector<Face> faces, float iou_threshold);

/// BlazeFace-style weighted NMS: each kept face's box and landmarks become the confidence-weighted
/// mean of its cluster (more stable boxes than picking one); its confidence stays the cluster's max.
std::vector<Face> WeightedNms(std::vector<Face> faces, float iou_threshold);

}  // namespace faceloop::detect

namespace faceloop::detect {

/// Merges the (already de-duplicated) faces of several passes over one image: clusters by IoU, averages
/// boxes by confidence, and scores a cluster by noisy-OR over its passes (1 - prod(1 - c_pass), the
/// best face of each pass): agreement between scales is evidence, a lone detection keeps its score.
std::vector<Face> MergePasses(const std::vector<std::vector<Face>>& passes, float iou_threshold);

}  // namespace faceloop::detect
