#pragma once
// Subcommands of the `faceloop` executable. Each registers its flags on the CLI11 app and returns the
// action to run once parsing succeeded; the action returns the process exit code.
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "detect/registry.hpp"

namespace faceloop::cli {

using Action = std::function<int()>;

/// Flags shared by every command that runs a detector.
struct ModelOptions {
  std::string model = detect::DetectorRegistry::DefaultName();
  std::string models_dir;  // empty: $FACELOOP_MODELS_DIR, else the set-up location
  float min_confidence = 0.5f;
  int max_faces = 0;
  std::string mode = "fast";
  bool multiscale = false;  // the older name of --mode crowd
  std::vector<int> pyramid;
  std::string runtime = detect::RuntimeName(detect::Runtime::kXnnpack);

  void Register(CLI::App& command);
  detect::ModelPaths Paths() const;
  detect::Runtime SelectedRuntime() const { return detect::ParseRuntime(runtime); }
  detect::DetectOptions Options() const;
};

Action RegisterDetect(CLI::App& app);
Action RegisterEval(CLI::App& app);
Action RegisterBench(CLI::App& app);

}  // namespace faceloop::cli
