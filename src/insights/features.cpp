#include "insights/features.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

namespace faceloop::insights {
namespace {

using requests::RequestRecord;
using Values = std::vector<double>;

void Push(Values& out, double value) {
  if (std::isfinite(value)) out.push_back(value);
}

template <typename T>
void Push(Values& out, const std::optional<T>& value) {
  if (value) Push(out, static_cast<double>(*value));
}

/// A number (or boolean, as 0/1) at a dotted path of a JSON object; nullopt when absent.
std::optional<double> NumberAt(const nlohmann::json& object, std::string_view path) {
  const nlohmann::json* node = &object;
  for (std::size_t start = 0; start <= path.size();) {
    const std::size_t dot = std::min(path.find('.', start), path.size());
    if (!node->is_object()) return std::nullopt;
    const auto it = node->find(std::string(path.substr(start, dot - start)));
    if (it == node->end()) return std::nullopt;
    node = &*it;
    start = dot + 1;
  }
  if (node->is_boolean()) return node->get<bool>() ? 1.0 : 0.0;
  if (node->is_number()) return node->get<double>();
  return std::nullopt;
}

/// Reads the image metadata field `name` (requests::ImageFields()).
auto ImageField(std::string_view name) {
  return [name](const RequestRecord& r, Values& out) { Push(out, NumberAt(r.image, name)); };
}

/// Reads `path` of every face (the faces' JSON form, as in the API response).
auto FaceField(std::string_view path) {
  return [path](const RequestRecord& r, Values& out) {
    if (!r.faces.is_array()) return;
    for (const nlohmann::json& face : r.faces) Push(out, NumberAt(face, path));
  };
}

/// Detector scores crowd near 1: finer bins there (0.05, then 0.01 above 0.9, 0.002 above 0.99).
std::vector<double> ScoreEdges() {
  std::vector<double> edges = LinearEdges(0, 0.9, 0.05);
  for (int i = 91; i <= 99; ++i) edges.push_back(i / 100.0);
  for (int i = 992; i <= 1000; i += 2) edges.push_back(i / 1000.0);
  return edges;
}

std::vector<double> CountEdges() {
  std::vector<double> edges = LinearEdges(0, 10, 1);
  for (const double edge : {12, 15, 20, 30, 50, 100, 200, 500, 1000}) edges.push_back(edge);
  return edges;
}

std::vector<double> IntegerEdges(int lo, int hi) { return LinearEdges(lo, hi + 1, 1); }

std::vector<Feature> MakeFeatures() {
  using S = Scope;
  const auto ms = GeometricEdges(0.1, 120000, 1.15);
  const auto fraction = LinearEdges(0, 1, 0.02);
  const auto pixels = GeometricEdges(1, 65536, 1.15);
  return {
      {"face_count", "faces", S::kRequest, "faces returned (successful requests)", CountEdges(),
       [](const RequestRecord& r, Values& out) { Push(out, r.face_count); }},
      {"confidence_max", "score", S::kRequest, "the image's confidence: its best face's score (images with faces)",
       ScoreEdges(), [](const RequestRecord& r, Values& out) { Push(out, r.confidence_max); }},
      {"faces.confidence", "score", S::kFace, "each returned face's score", ScoreEdges(), FaceField("confidence")},
      {"faces.box.height", "px", S::kFace, "face size: each face's box height in original pixels",
       GeometricEdges(1, 16384, 1.15), FaceField("box.height")},
      {"faces.quality.sharpness", "0..1", S::kFace, "each face's sharpness", fraction, FaceField("quality.sharpness")},
      {"faces.quality.brightness", "0..1", S::kFace, "each face's brightness", fraction,
       FaceField("quality.brightness")},
      {"total_ms", "ms", S::kRequest, "latency: the engine's whole time", ms,
       [](const RequestRecord& r, Values& out) { Push(out, r.total_ms); }},
      {"decode_ms", "ms", S::kRequest, "decoding time", ms,
       [](const RequestRecord& r, Values& out) { Push(out, r.decode_ms); }},
      {"inference_ms", "ms", S::kRequest, "detection time", ms,
       [](const RequestRecord& r, Values& out) { Push(out, r.inference_ms); }},
      {"image.width", "px", S::kRequest, "image width", pixels, ImageField("width")},
      {"image.height", "px", S::kRequest, "image height", pixels, ImageField("height")},
      {"image.bytes", "bytes", S::kRequest, "upload size", GeometricEdges(64, 64 << 20, 1.15), ImageField("bytes")},
      {"image.channels", "channels", S::kRequest, "colour channels as stored", IntegerEdges(1, 4),
       ImageField("channels")},
      {"image.has_alpha", "0/1", S::kRequest, "whether the image has alpha", IntegerEdges(0, 1),
       ImageField("has_alpha")},
      {"image.exif_orientation", "tag", S::kRequest, "EXIF orientation tag", IntegerEdges(1, 8),
       ImageField("exif_orientation")},
      {"image.brightness", "0..1", S::kRequest, "mean luma", fraction, ImageField("brightness")},
      {"image.contrast", "0..1", S::kRequest, "RMS contrast of luma", fraction, ImageField("contrast")},
      {"image.sharpness", "variance", S::kRequest, "variance of the Laplacian", GeometricEdges(1, 100000, 1.15),
       ImageField("sharpness")},
      {"image.saturation", "0..1", S::kRequest, "mean HSV saturation", fraction, ImageField("saturation")},
      {"image.colorfulness", "0..255", S::kRequest, "Hasler & Suesstrunk colourfulness", LinearEdges(0, 300, 3),
       ImageField("colorfulness")},
      {"image.dark_fraction", "0..1", S::kRequest, "share of near-black pixels", fraction, ImageField("dark_fraction")},
      {"image.bright_fraction", "0..1", S::kRequest, "share of near-white pixels", fraction,
       ImageField("bright_fraction")},
  };
}

}  // namespace

const std::vector<Feature>& Features() {
  static const std::vector<Feature> features = MakeFeatures();
  return features;
}

const Feature* FindFeature(std::string_view name) {
  for (const Feature& feature : Features()) {
    if (feature.name == name) return &feature;
  }
  return nullptr;
}

std::size_t BinOf(const Feature& feature, double value) {
  const auto& edges = feature.edges;
  const auto above = std::upper_bound(edges.begin(), edges.end(), value);
  if (above == edges.begin()) return 0;
  return std::min(static_cast<std::size_t>(above - edges.begin()) - 1, feature.bins() - 1);
}

namespace {

std::string Edge(double value) {
  char text[32];
  (void)std::snprintf(text, sizeof text, "%g", value);
  return text;
}

/// The first edges and the last: enough to tell the bins' kind and range.
std::string EdgesText(const std::vector<double>& edges) {
  std::string text;
  for (std::size_t i = 0; i < std::min<std::size_t>(4, edges.size() - 1); ++i) text += Edge(edges[i]) + ", ";
  return text + "... " + Edge(edges.back()) + " (" + std::to_string(edges.size() - 1) + " bins)";
}

}  // namespace

std::string FeaturesMarkdown() {
  std::string table = "| feature | unit | per | bin edges | meaning |\n|---|---|---|---|---|\n";
  for (const Feature& f : Features()) {
    table += "| `" + std::string(f.name) + "` | " + std::string(f.unit) + " | " +
             (f.scope == Scope::kFace ? "face" : "request") + " | " + EdgesText(f.edges) + " | " + std::string(f.doc) +
             " |\n";
  }
  return table;
}

std::vector<double> GeometricEdges(double lo, double hi, double ratio) {
  std::vector<double> edges = {0};
  double edge = lo;
  while (true) {
    // Rounded to 4 significant digits: edges are documented and compared in tests.
    const double magnitude = std::pow(10, std::floor(std::log10(edge)) - 3);
    edges.push_back(std::round(edge / magnitude) * magnitude);
    if (edge >= hi) break;
    edge *= ratio;
  }
  return edges;
}

std::vector<double> LinearEdges(double lo, double hi, double step) {
  std::vector<double> edges;
  const auto steps = static_cast<int>(std::lround((hi - lo) / step));
  // Computed from the index, not accumulated: 0.02 * 50 is exactly 1, 0.02 added 50 times is not.
  for (int i = 0; i <= steps; ++i) edges.push_back(lo + step * i);
  return edges;
}

}  // namespace faceloop::insights
