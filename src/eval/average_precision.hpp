#pragma once
// Average precision under the WIDER FACE protocol (easy / medium / hard settings).
//
// Matching, per image and setting: detections are taken in descending confidence; each one goes to the
// unmatched positive with the highest IoU >= kMatchIoU (TP). Failing that, if it has IoU >= kMatchIoU
// with any ignored region (a face outside the setting, or an ignore box; such regions may absorb any
// number of detections) it is dropped: neither TP nor FP. Otherwise it is an FP. Positives are tried
// first, VOC-style, so a detection overlapping both a positive and an ignored face still earns its TP;
// a duplicate on an already matched positive is an FP unless it also lies on an ignored region.
//
// AP is the area under the precision/recall curve with all-point interpolation (VOC 2010+ / WIDER):
// precision is made non-increasing from the right and summed over recall steps.
#include <array>
#include <vector>

#include "detect/face.hpp"
#include "eval/annotations.hpp"

namespace faceloop::eval {

/// Minimum IoU for a detection to match a positive or an ignored region.
inline constexpr float kMatchIoU = 0.5f;

struct ApResult {
  double easy = 0, medium = 0, hard = 0;
  int positives[kDifficultyCount] = {0, 0, 0};  // indexed by Difficulty

  /// AP of one setting.
  double ap(Difficulty setting) const;
};

/// One scored detection after matching; ignored detections never become one.
struct ScoredMatch {
  float confidence = 0;
  bool true_positive = false;
};

struct PrPoint {
  double recall = 0, precision = 0;
};

/// Matches one image's detections for one setting (see the file comment); ignored ones are left out.
/// Throws faceloop::Error(kUnprocessable) on a non-finite confidence.
std::vector<ScoredMatch> MatchImage(const AnnotatedImage& truth, const std::vector<detect::Face>& detections,
                                    Difficulty setting);

/// Precision/recall after each distinct confidence, from high to low. Detections with equal confidence
/// enter together, so the curve does not depend on the order of ties. Empty when there are no matches;
/// recall is 0 throughout when positives == 0.
std::vector<PrPoint> PrecisionRecallCurve(std::vector<ScoredMatch> matches, int positives);

/// Area under the curve with all-point interpolation, starting from recall 0.
double AveragePrecision(const std::vector<PrPoint>& curve);

/// Accumulates detections over a data set and computes AP for the three settings at once.
class ApEvaluator {
 public:
  /// Matches one image's detections (any order) against its ground truth.
  void Add(const AnnotatedImage& truth, const std::vector<detect::Face>& detections);

  /// AP per setting; 0 for a setting without positives.
  ApResult Compute() const;

  /// The precision/recall curve behind Compute() for one setting.
  std::vector<PrPoint> Curve(Difficulty setting) const;

 private:
  std::array<std::vector<ScoredMatch>, kDifficultyCount> matches_;
  std::array<int, kDifficultyCount> positives_{};
};

}  // namespace faceloop::eval
