#include "detect/blazeface.hpp"

#include <algorithm>

#include "detect/letterbox.hpp"
#include "detect/nms.hpp"

namespace faceloop::detect {
namespace {

// Candidates below this never survive NMS with a useful score; it bounds the NMS work.
constexpr float kCandidateFloor = 0.05f;
constexpr std::size_t kMaxCandidates = 2000;

std::vector<std::string> OutputNodes(const BlazeFaceSpec& spec) {
  std::vector<std::string> nodes;
  for (const auto& head : spec.heads) {
    nodes.push_back(head.scores);
    nodes.push_back(head.regressors);
  }
  return nodes;
}

void KeepStrongest(std::vector<Face>& faces, std::size_t count) {
  if (faces.size() <= count) return;
  std::nth_element(faces.begin(), faces.begin() + static_cast<std::ptrdiff_t>(count), faces.end(),
                   [](const Face& a, const Face& b) { return a.confidence > b.confidence; });
  faces.resize(count);
}

}  // namespace

BlazeFaceDetector::BlazeFaceDetector(BlazeFaceSpec spec, const TfjsGraph& graph)
    : spec_(std::move(spec)), net_(BuildOpenCvNet(graph, OutputNodes(spec_))) {
  net_.net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net_.net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
}

std::vector<Face> BlazeFaceDetector::RunPass(const cv::Mat& rgb, int long_side, bool square, float min_score,
                                             float max_face) {
  const Letterbox box = Letterbox::Fit(rgb.size(), long_side, spec_.align, square);
  FillInputBlob(rgb, box, blob_);
  net_.net.setInput(blob_);
  std::vector<cv::Mat> outputs;
  net_.net.forward(outputs, net_.output_layers);

  std::vector<Face> candidates;
  for (std::size_t h = 0; h < spec_.heads.size(); ++h) {
    DecodeHead(outputs[2 * h], outputs[2 * h + 1], spec_.heads[h].layout, box.input, min_score, candidates);
  }
  std::vector<Face> faces;
  for (Face& face : candidates) {
    if (std::max(face.box.width, face.box.height) > max_face) continue;
    face.box = box.ToImage(face.box);
    for (Landmark& point : face.landmarks) {
      const cv::Point2f p = box.ToImage(cv::Point2f(point.x, point.y));
      point.x = p.x;
      point.y = p.y;
    }
    faces.push_back(std::move(face));
  }
  return faces;
}

const std::vector<int>& BlazeFaceDetector::Pyramid(const DetectOptions& options) const {
  return options.pyramid.empty() ? spec_.pyramid : options.pyramid;
}

int BlazeFaceDetector::MinDecodeLongSide(const DetectOptions& options) const {
  // Twice the largest pass keeps the resize a true downscale (sharper input) at little decode cost.
  const std::vector<int>& pyramid = Pyramid(options);
  const int largest = options.multiscale && !pyramid.empty() ? pyramid.back() : spec_.input_size;
  return 2 * largest;
}

Face BlazeFaceDetector::Calibrate(Face face) const {
  const BoxCalibration& c = spec_.calibration;
  const float cx = face.box.x + face.box.width / 2;
  const float cy = face.box.y + face.box.height / 2 + c.shift_y * face.box.height;
  const float w = face.box.width * c.scale_w, h = face.box.height * c.scale_h;
  face.box = Box{cx - w / 2, cy - h / 2, w, h};
  return face;
}

std::vector<Face> BlazeFaceDetector::Detect(const cv::Mat& rgb, const DetectOptions& options) {
  const float min_score = std::min(options.min_confidence, kCandidateFloor);
  std::vector<Face> faces = RunPass(rgb, spec_.input_size, false, min_score, 1e9f);
  if (options.multiscale) {
    const int image_long = std::max(rgb.cols, rgb.rows);
    for (int long_side : Pyramid(options)) {
      // Upsampling past ~2x the stored pixels finds nothing new and costs quadratically.
      if (long_side > 2 * image_long) break;
      std::vector<Face> more = RunPass(rgb, long_side, false, min_score, spec_.pyramid_max_face);
      faces.insert(faces.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    }
  }
  KeepStrongest(faces, kMaxCandidates);
  faces = WeightedNms(std::move(faces), spec_.nms_iou);
  for (Face& face : faces) face = Calibrate(std::move(face));
  return ApplyLimits(std::move(faces), options);
}

}  // namespace faceloop::detect
