#include "detect/registry.hpp"

#include "common/error.hpp"
#include "detect/import/tfjs_to_graph.hpp"
#include "detect/models/auto_detector.hpp"
#include "detect/models/haar.hpp"
#include "detect/models/retinaface.hpp"
#include "detect/models/yunet.hpp"

namespace faceloop::detect {
namespace {

constexpr char kAutoName[] = "auto";
constexpr char kRetinaFaceName[] = "retinaface";
constexpr char kHaarName[] = "haar";
constexpr char kOnnxPrefix[] = "onnx:";

TfjsGraph LoadInstalled(const std::filesystem::path& model_json) {
  if (!std::filesystem::exists(model_json)) {
    throw Error(ErrorCode::kInternal, "model weights missing at " + model_json.string() +
                                          " (run scripts/setup.sh, which installs models/package.json)");
  }
  return LoadTfjsGraph(model_json);
}

}  // namespace

std::filesystem::path ModelPaths::RetinaFaceOnnx() const {
  if (!retinaface_onnx.empty()) return retinaface_onnx;
  return npm_dir.parent_path() / "retinaface" / "retinaface_mnet025.onnx";
}

DetectorRegistry::DetectorRegistry(ModelPaths paths, Runtime runtime)
    : paths_(std::move(paths)), runtime_(runtime), blaze_specs_(BuiltInBlazeFaceSpecs(paths_.npm_dir)) {}

std::string DetectorRegistry::DefaultName() { return kRetinaFaceName; }

std::vector<std::string> DetectorRegistry::Names() const {
  std::vector<std::string> names{kRetinaFaceName, kAutoName};
  for (const auto& [name, spec] : blaze_specs_) names.push_back(name);
  names.emplace_back(kHaarName);
  return names;
}

const TfjsGraph& DetectorRegistry::Graph(const std::filesystem::path& model_json) {
  std::lock_guard lock(mutex_);
  auto& graph = graphs_[model_json];
  if (!graph) graph = std::make_unique<TfjsGraph>(LoadInstalled(model_json));
  return *graph;
}

std::shared_ptr<const RetinaFaceWeights> DetectorRegistry::RetinaFace() {
  std::lock_guard lock(mutex_);
  if (!retinaface_) retinaface_ = RetinaFaceWeights::Load(paths_.RetinaFaceOnnx());
  return retinaface_;
}

const nn::Graph& DetectorRegistry::NetGraph(const BlazeFaceSpec& spec) {
  std::lock_guard lock(mutex_);
  auto& graph = net_graphs_[spec.info.name];
  // The tfjs graph is only needed for the conversion: XNNPACK instances pack their own weights.
  if (!graph) graph = std::make_unique<nn::Graph>(TfjsToGraph(LoadInstalled(spec.model_json), HeadNodes(spec)));
  return *graph;
}

std::unique_ptr<HeadNet> DetectorRegistry::MakeHeadNet(const BlazeFaceSpec& spec) {
  if (runtime_ == Runtime::kXnnpack) return MakeXnnpackHeadNet(NetGraph(spec));
  return MakeOpenCvHeadNet(Graph(spec.model_json), HeadNodes(spec));
}

std::unique_ptr<IDetector> DetectorRegistry::Create(const std::string& name) {
  if (name == kRetinaFaceName) {
    const auto weights = RetinaFace();
    return std::make_unique<RetinaFaceDetector>(BuiltInRetinaFaceSpec(), runtime_ == Runtime::kXnnpack
                                                                             ? MakeXnnpackRetinaFaceNet(*weights)
                                                                             : MakeOpenCvRetinaFaceNet(*weights));
  }
  if (const auto spec = blaze_specs_.find(name); spec != blaze_specs_.end()) {
    return std::make_unique<BlazeFaceDetector>(spec->second, MakeHeadNet(spec->second));
  }
  if (name == kAutoName) {
    return std::make_unique<AutoDetector>(Create("mediapipe-full"), Create("blazeface-back"));
  }
  if (name == kHaarName) {
    ModelInfo info{kHaarName, "opencv-data 4.6", "Debian opencv-data: haarcascade_frontalface_default.xml",
                   "BSD-3-Clause (Intel License Agreement)", 640};
    return std::make_unique<HaarDetector>(info, paths_.haar_dir / "haarcascade_frontalface_default.xml");
  }
  if (name.rfind(kOnnxPrefix, 0) == 0) {
    const std::filesystem::path path = name.substr(sizeof(kOnnxPrefix) - 1);
    return std::make_unique<YuNetDetector>(ModelInfo{name, path.filename().string(), path.string(), "user-supplied", 0},
                                           path);
  }
  throw Error(ErrorCode::kUnprocessable, "unknown model '" + name + "'");
}

}  // namespace faceloop::detect
