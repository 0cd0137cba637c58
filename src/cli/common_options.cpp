#include <cstdlib>

#include "cli/commands.hpp"

namespace faceloop::cli {

void ModelOptions::Register(CLI::App& command) {
  command
      .add_option("--model", model,
                  "detector: retinaface, auto, mediapipe-full, blazeface-back, mediapipe-short, haar, onnx:PATH")
      ->capture_default_str();
  command.add_option("--models-dir", models_dir, "node_modules folder holding the weight packages");
  command.add_option("--min-confidence", min_confidence, "drop faces below this confidence")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command.add_option("--max-faces", max_faces, "keep at most this many faces (0 = all)")->check(CLI::NonNegativeNumber);
  command
      .add_option("--mode", mode,
                  "fast (one pass, long side <= 640), accurate (own resolution up to 1280), crowd (accurate + mirror + "
                  "upscaled pass)")
      ->check(CLI::IsMember({"fast", "accurate", "crowd"}))
      ->capture_default_str();
  command.add_flag("--multiscale,--tiling", multiscale, "the older name of --mode crowd");
  command.add_option("--pyramid", pyramid, "long sides of the multiscale passes, e.g. 448,896 (default: the model's)")
      ->delimiter(',');
  command.add_option("--runtime", runtime, "engine of the networks (RetinaFace, BlazeFace family): xnnpack or opencv")
      ->check(CLI::IsMember(detect::RuntimeNames()))
      ->capture_default_str();
}

detect::ModelPaths ModelOptions::Paths() const {
  detect::ModelPaths paths;
  if (!models_dir.empty()) {
    paths.npm_dir = models_dir;
  } else if (const char* env = std::getenv("FACELOOP_MODELS_DIR"); env != nullptr && *env != '\0') {
    paths.npm_dir = env;
  } else {
    paths.npm_dir = FACELOOP_DEFAULT_MODELS_DIR;
  }
  return paths;
}

detect::DetectOptions ModelOptions::Options() const {
  return detect::DetectOptions{min_confidence, max_faces, multiscale, pyramid, detect::ParseMode(mode)};
}

}  // namespace faceloop::cli
