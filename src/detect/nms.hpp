#pragma once
// Non-maximum suppression over face candidates.
#include <vector>

#include "detect/face.hpp"

namespace faceloop::detect {

/// Classic NMS: keeps the highest-scoring face of every cluster overlapping above `iou_threshold`.
std::vector<Face> HardNms(std::vector<Face> faces, float iou_threshold);

/// BlazeFace-style weighted NMS: each kept face's box and landmarks become the confidence-weighted
/// mean of its cluster (more stable boxes than picking one); its confidence stays the cluster's max.
std::vector<Face> WeightedNms(std::vector<Face> faces, float iou_threshold);

}  // namespace faceloop::detect
