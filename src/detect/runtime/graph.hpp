#pragma once
// A runtime-neutral description of a convolutional network: what the model importers produce
// (tfjs graph models, ONNX files) and what a runtime (XNNPACK) executes. Batch 1, float32, NHWC.
// Spatial sizes are free: a graph runs at every input size its strides allow, and its shapes are
// inferred per input size (InferShapes).
#include <string>
#include <variant>
#include <vector>

namespace faceloop::detect::nn {

/// The index of the node that produces a value. Node 0 is always the graph's input.
using ValueId = int;

enum class Activation { kNone, kRelu, kRelu6, kLeakyRelu, kSigmoid };

/// Explicit zero padding in pixels, or TensorFlow's "SAME" rule (computed from the input size).
struct Padding {
  int top = 0, left = 0, bottom = 0, right = 0;
  bool same = false;
};

struct Input {
  int channels = 3;
};

/// Convolution, grouped or depthwise (groups == in_channels == out_channels / multiplier).
struct Conv2D {
  ValueId input = 0;
  int in_channels = 0;
  int out_channels = 0;
  int groups = 1;
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  Padding padding;
  /// [out_channels][kernel_h][kernel_w][in_channels / groups]
  std::vector<float> weights;
  /// out_channels values, or empty for none.
  std::vector<float> bias;
  Activation activation = Activation::kNone;
  float alpha = 0;  ///< negative slope of kLeakyRelu
};

/// Element-wise a + b of two values of the same shape, then an optional activation.
struct Add {
  ValueId a = 0, b = 0;
  Activation activation = Activation::kNone;
  float alpha = 0;
};

struct MaxPool {
  ValueId input = 0;
  int kernel_h = 2, kernel_w = 2;
  int stride_h = 2, stride_w = 2;
  Padding padding;
};

/// Zero padding in space and/or along channels (BlazeFace's shortcuts widen channels this way).
struct Pad {
  ValueId input = 0;
  Padding spatial;
  int channels_before = 0, channels_after = 0;
};

/// Concatenation along channels; every input has the same height and width.
struct Concat {
  std::vector<ValueId> inputs;
};

/// Integer-factor nearest-neighbour upsampling (ONNX Resize "nearest" with scale 2).
struct UpsampleNearest {
  ValueId input = 0;
  int factor = 2;
};

/// Bilinear resize by a fixed factor (tfjs ResizeBilinear with a target for its nominal input).
struct ResizeBilinear {
  ValueId input = 0;
  float scale_h = 2, scale_w = 2;
  bool align_corners = false;
  bool half_pixel_centers = false;
};

/// An activation on its own (when it could not be fused into the op before it).
struct Unary {
  ValueId input = 0;
  Activation activation = Activation::kRelu;
  float alpha = 0;
};

/// Parametric ReLU with one slope per channel.
struct PRelu {
  ValueId input = 0;
  std::vector<float> slopes;
};

using Op = std::variant<Input, Conv2D, Add, MaxPool, Pad, Concat, UpsampleNearest, ResizeBilinear, Unary, PRelu>;

struct Node {
  std::string name;  ///< from the source file, for error messages and tests
  Op op;
};

/// Nodes in topological order (every input id is smaller than the node's own); nodes[0] is Input.
struct Graph {
  std::vector<Node> nodes;
  std::vector<ValueId> outputs;
  ValueId Add(std::string name, Op op);
};

struct Shape {
  int height = 0, width = 0, channels = 0;
  long Elements() const { return static_cast<long>(height) * width * channels; }
};

/// The shape of every node for an input of height x width. Throws faceloop::Error(kInternal) when
/// the graph is malformed (ids out of order, weights of the wrong size) and Error(kUnprocessable)
/// when it cannot run at that size (a shape goes below 1 pixel, Add/Concat inputs disagree).
std::vector<Shape> InferShapes(const Graph& graph, int height, int width);

}  // namespace faceloop::detect::nn
