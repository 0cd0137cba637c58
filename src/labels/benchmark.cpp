#include "labels/benchmark.hpp"

#include <map>

#include "common/error.hpp"
#include "common/time.hpp"
#include "eval/average_precision.hpp"

namespace faceloop::labels {
namespace {

/// Coarse brightness bins of the image's mean luma: enough images per bin to say something.
std::string BrightnessBin(const requests::RequestRecord& record) {
  const auto it = record.image.find("brightness");
  if (it == record.image.end() || !it->is_number()) return "unknown";
  const double luma = it->get<double>();
  if (luma < 0.3) return "dark (<0.3)";
  if (luma < 0.6) return "medium (0.3-0.6)";
  return "bright (>=0.6)";
}

std::string PeriodOf(const requests::RequestRecord& record, const std::string& period) {
  return FormatTimestamp(record.received_at).substr(0, period == "day" ? 10 : 7);  // "2026-11-30" / "2026-11"
}

/// One stratum's images, matched as they come.
struct Stratum {
  std::int64_t images = 0;
  eval::ApEvaluator evaluator;
  std::int64_t faces = 0;
  std::int64_t detections = 0;
};

void Add(Stratum& stratum, const eval::AnnotatedImage& truth, const std::vector<detect::Face>& detections) {
  stratum.evaluator.Add(truth, detections);
  ++stratum.images;
  for (const auto& face : truth.faces) stratum.faces += face.difficulty ? 1 : 0;
  stratum.detections += static_cast<std::int64_t>(detections.size());
}

/// Per face size, as WIDER's settings do it: the faces of one size are the positives, the others
/// ignored regions (a detection on them is neither right nor wrong), over every image.
void AddBySize(std::map<std::string, Stratum>& strata, const eval::AnnotatedImage& truth,
               const std::vector<detect::Face>& detections) {
  for (const detect::FaceSize size :
       {detect::FaceSize::kTiny, detect::FaceSize::kSmall, detect::FaceSize::kMedium, detect::FaceSize::kLarge}) {
    eval::AnnotatedImage sized = truth;
    for (auto& face : sized.faces) {
      if (detect::FaceSizeOf(face.box) != size) face.difficulty.reset();
    }
    Add(strata[std::string(detect::FaceSizeName(size))], sized, detections);
  }
}

StratumScore ScoreOf(const std::string& name, const Stratum& stratum) {
  // Every labelled face is positive in every setting, so the three settings agree: report one.
  return {name, stratum.images, stratum.faces, stratum.detections,
          stratum.evaluator.Compute().ap(eval::Difficulty::kHard)};
}

}  // namespace

StrataBy ParseStrataBy(std::string_view text, std::string_view field) {
  if (text.empty()) return StrataBy::kNone;
  if (text == "period") return StrataBy::kPeriod;
  if (text == "brightness") return StrataBy::kBrightness;
  if (text == "face_size") return StrataBy::kFaceSize;
  throw Error(ErrorCode::kUnprocessable, std::string(field) + " must be period, brightness or face_size");
}

std::vector<LabelledImage> LoadLabelled(LabelStore& labels, requests::RequestStore& requests, std::optional<Time> from,
                                        std::optional<Time> to) {
  std::vector<LabelledImage> images;
  for (Label& label : labels.Current()) {
    auto record = requests.Find(label.request_id);
    if (!record || (from && record->received_at < *from) || (to && record->received_at >= *to)) continue;
    images.push_back({std::move(*record), std::move(label)});
  }
  return images;
}

eval::AnnotatedImage TruthOf(const LabelledImage& image) {
  eval::AnnotatedImage truth;
  truth.file = image.record.image_key.value_or("");
  truth.width = image.record.image.value("width", 0);
  truth.height = image.record.image.value("height", 0);
  for (const LabelBox& b : image.label.boxes) {
    const detect::Box box{static_cast<float>(b.x), static_cast<float>(b.y), static_cast<float>(b.width),
                          static_cast<float>(b.height)};
    if (b.ignore) {
      truth.ignore.push_back(box);
    } else {
      truth.faces.push_back({box, eval::Difficulty::kEasy});
    }
  }
  return truth;
}

std::vector<StratumScore> Score(const std::vector<LabelledImage>& images,
                                const std::vector<std::vector<detect::Face>>& detections,
                                const std::vector<bool>& failed, const BenchmarkOptions& options) {
  Stratum all;
  std::map<std::string, Stratum> strata;
  for (std::size_t i = 0; i < images.size(); ++i) {
    if (failed[i]) continue;
    const eval::AnnotatedImage truth = TruthOf(images[i]);
    Add(all, truth, detections[i]);
    switch (options.by) {
      case StrataBy::kNone: break;
      case StrataBy::kPeriod: Add(strata[PeriodOf(images[i].record, options.period)], truth, detections[i]); break;
      case StrataBy::kBrightness: Add(strata[BrightnessBin(images[i].record)], truth, detections[i]); break;
      case StrataBy::kFaceSize: AddBySize(strata, truth, detections[i]); break;
    }
  }
  std::vector<StratumScore> scores{ScoreOf("all", all)};
  for (const auto& [name, stratum] : strata) scores.push_back(ScoreOf(name, stratum));
  return scores;
}

nlohmann::json ToJson(const StratumScore& score) {
  return {{"stratum", score.name},
          {"images", score.images},
          {"faces", score.faces},
          {"detections", score.detections},
          {"ap", score.ap}};
}

}  // namespace faceloop::labels
