#include "eval/average_precision.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.hpp"

namespace faceloop::eval {
namespace {

constexpr std::array<Difficulty, kDifficultyCount> kSettings = {Difficulty::kEasy, Difficulty::kMedium,
                                                                Difficulty::kHard};

bool IsPositive(const GroundTruthFace& face, Difficulty setting) {
  return face.difficulty.has_value() && *face.difficulty <= setting;
}

// Sorting once per image lets Add() reuse the order for all three settings.
std::vector<const detect::Face*> ByConfidence(const std::vector<detect::Face>& detections) {
  std::vector<const detect::Face*> order;
  order.reserve(detections.size());
  for (const detect::Face& d : detections) {
    // A NaN would break the strict weak ordering the sort relies on.
    if (!std::isfinite(d.confidence)) {
      throw Error(ErrorCode::kUnprocessable, "detection confidence is not finite");
    }
    order.push_back(&d);
  }
  // Stable, so equal confidences match in input order and results are reproducible.
  std::stable_sort(order.begin(), order.end(),
                   [](const detect::Face* a, const detect::Face* b) { return a->confidence > b->confidence; });
  return order;
}

// Index of the unmatched positive with the highest IoU >= kMatchIoU, or -1.
int BestUnmatchedPositive(const AnnotatedImage& truth, const std::vector<bool>& matched, const detect::Box& box,
                          Difficulty setting) {
  int best = -1;
  float best_iou = kMatchIoU;
  for (std::size_t i = 0; i < truth.faces.size(); ++i) {
    if (matched[i] || !IsPositive(truth.faces[i], setting)) continue;
    const float iou = detect::IoU(box, truth.faces[i].box);
    if (iou > best_iou || (best < 0 && iou >= best_iou)) {
      best = static_cast<int>(i);
      best_iou = iou;
    }
  }
  return best;
}

bool OnIgnoredRegion(const AnnotatedImage& truth, const detect::Box& box, Difficulty setting) {
  for (const GroundTruthFace& face : truth.faces) {
    if (!IsPositive(face, setting) && detect::IoU(box, face.box) >= kMatchIoU) return true;
  }
  return std::any_of(truth.ignore.begin(), truth.ignore.end(),
                     [&](const detect::Box& region) { return detect::IoU(box, region) >= kMatchIoU; });
}

std::vector<ScoredMatch> MatchSorted(const AnnotatedImage& truth, const std::vector<const detect::Face*>& order,
                                     Difficulty setting) {
  std::vector<bool> matched(truth.faces.size(), false);
  std::vector<ScoredMatch> out;
  out.reserve(order.size());
  for (const detect::Face* d : order) {
    const int best = BestUnmatchedPositive(truth, matched, d->box, setting);
    if (best >= 0) {
      matched[static_cast<std::size_t>(best)] = true;
      out.push_back({d->confidence, true});
    } else if (!OnIgnoredRegion(truth, d->box, setting)) {
      out.push_back({d->confidence, false});
    }
  }
  return out;
}

int CountPositives(const AnnotatedImage& truth, Difficulty setting) {
  return static_cast<int>(std::count_if(truth.faces.begin(), truth.faces.end(),
                                        [&](const GroundTruthFace& f) { return IsPositive(f, setting); }));
}

}  // namespace

double ApResult::ap(Difficulty setting) const {
  switch (setting) {
    case Difficulty::kEasy: return easy;
    case Difficulty::kMedium: return medium;
    case Difficulty::kHard: return hard;
  }
  return 0;
}

std::vector<ScoredMatch> MatchImage(const AnnotatedImage& truth, const std::vector<detect::Face>& detections,
                                    Difficulty setting) {
  return MatchSorted(truth, ByConfidence(detections), setting);
}

std::vector<PrPoint> PrecisionRecallCurve(std::vector<ScoredMatch> matches, int positives) {
  // Ties need no stable order: a point is emitted only once a whole group of equal confidences is in.
  std::sort(matches.begin(), matches.end(),
            [](const ScoredMatch& a, const ScoredMatch& b) { return a.confidence > b.confidence; });
  std::vector<PrPoint> curve;
  long long tp = 0, fp = 0;
  for (std::size_t i = 0; i < matches.size(); ++i) {
    (matches[i].true_positive ? tp : fp) += 1;
    if (i + 1 < matches.size() && matches[i + 1].confidence == matches[i].confidence) continue;
    const double recall = positives > 0 ? static_cast<double>(tp) / positives : 0.0;
    curve.push_back({recall, static_cast<double>(tp) / static_cast<double>(tp + fp)});
  }
  return curve;
}

double AveragePrecision(const std::vector<PrPoint>& curve) {
  // Interpolated precision at a point is the best precision at any recall to its right.
  std::vector<double> envelope(curve.size());
  double best = 0;
  for (std::size_t i = curve.size(); i-- > 0;) {
    best = std::max(best, curve[i].precision);
    envelope[i] = best;
  }
  double ap = 0, previous_recall = 0;
  for (std::size_t i = 0; i < curve.size(); ++i) {
    ap += (curve[i].recall - previous_recall) * envelope[i];
    previous_recall = curve[i].recall;
  }
  return ap;
}

void ApEvaluator::Add(const AnnotatedImage& truth, const std::vector<detect::Face>& detections) {
  const std::vector<const detect::Face*> order = ByConfidence(detections);
  for (Difficulty setting : kSettings) {
    const auto s = static_cast<std::size_t>(setting);
    std::vector<ScoredMatch> image_matches = MatchSorted(truth, order, setting);
    matches_[s].insert(matches_[s].end(), image_matches.begin(), image_matches.end());
    positives_[s] += CountPositives(truth, setting);
  }
}

std::vector<PrPoint> ApEvaluator::Curve(Difficulty setting) const {
  const auto s = static_cast<std::size_t>(setting);
  return PrecisionRecallCurve(matches_[s], positives_[s]);
}

ApResult ApEvaluator::Compute() const {
  ApResult result;
  result.easy = AveragePrecision(Curve(Difficulty::kEasy));
  result.medium = AveragePrecision(Curve(Difficulty::kMedium));
  result.hard = AveragePrecision(Curve(Difficulty::kHard));
  for (Difficulty setting : kSettings) {
    result.positives[static_cast<int>(setting)] = positives_[static_cast<std::size_t>(setting)];
  }
  return result;
}

}  // namespace faceloop::eval
