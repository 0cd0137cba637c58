#pragma once
// OpenCV 4.6's ONNX importer fixes every shape when it loads a file, so it cannot follow a PyTorch
// export's run-time shape plumbing (Shape -> Gather -> ... -> Resize/Reshape) and fails on Identity
// nodes that copy weights. This rewrites such a file into one it loads and runs at every input size
// the network allows, using what ImportOnnx found out about the graph.
#include <string>

#include "detect/import/onnx_graph.hpp"
#include "detect/import/onnx_model.hpp"

namespace faceloop::detect {

/// The serialized model with Identity nodes removed (their readers take the source), every Resize
/// whose target size is computed at run time given its constant scale [1, 1, k, k], every head
/// Reshape given the constant shape [0, -1, row length], and the nodes nothing reads any more dropped.
std::string RewriteForOpenCv(const OnnxModel& model, const ImportedOnnx& analysis);

}  // namespace faceloop::detect
