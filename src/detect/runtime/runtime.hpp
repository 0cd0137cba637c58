#pragma once
// Which engine runs the networks of the detectors that have a choice (RetinaFace, the BlazeFace family).
#include <string>
#include <vector>

namespace faceloop::detect {

enum class Runtime {
  kXnnpack,  ///< XNNPACK's operators on an nn::Graph (the default: the fastest on CPU)
  kOpenCv,   ///< OpenCV DNN, kept for comparison and as a fallback
};

/// "xnnpack" or "opencv"; throws faceloop::Error(kUnprocessable) for anything else.
Runtime ParseRuntime(const std::string& name);
std::string RuntimeName(Runtime runtime);
std::vector<std::string> RuntimeNames();

}  // namespace faceloop::detect
