#pragma once
// ONNX convolutional detectors -> nn::Graph (NHWC, free input size), for runtimes that execute
// nn::Graph (XNNPACK). Supported: Conv (grouped, depthwise, dilated), Relu/LeakyRelu (fused into the
// Conv or Add before them when that is their only reader), Add, Concat along channels, MaxPool,
// nearest Resize/Upsample by an integer factor (also when the target size is computed at run time
// from another tensor's shape), Identity, and the shape plumbing of PyTorch exports. Detection heads
// (Conv -> Transpose to NHWC -> Reshape [N, -1, k] -> Concat over levels -> Softmax) end the nn::Graph
// at the head convolutions; the reshape/concat/softmax is left to the decoder (OnnxOutput). Any other
// op fails at import time with its name.
#include <map>
#include <string>
#include <vector>

#include "detect/runtime/graph.hpp"

namespace faceloop::detect {

class OnnxModel;  // onnx_model.hpp; not included, so that users of ImportedOnnx need no protobuf headers

/// One output of the ONNX graph, as the imported nn::Graph produces it: the rows of `row_size`
/// values of each part (an NHWC tensor read row-major: position by position, then its values), in
/// the order of `parts`, concatenated.
struct OnnxOutput {
  std::string name;
  std::vector<std::size_t> parts;  // indices into nn::Graph::outputs
  int row_size = 0;
  bool softmax = false;  // a softmax over each row is still to be applied
};

struct ImportedOnnx {
  nn::Graph graph;
  std::vector<OnnxOutput> outputs;
  /// What the analysis found, by the ONNX node's (first) output: the integer factor of every Resize,
  /// and the row length k of every head Reshape (used by the OpenCV rewrite, see onnx_opencv.hpp).
  std::map<std::string, int> resize_factors;
  std::map<std::string, int> reshape_rows;
};

/// Throws Error(kInternal) for a graph outside the supported subset, naming the op.
ImportedOnnx ImportOnnx(const OnnxModel& model);

/// The nominal input size (square) at which the importer checks shapes: resize factors and head
/// row lengths are read off the shapes the graph has at this size.
constexpr int kOnnxNominalInput = 256;

}  // namespace faceloop::detect
