#pragma once
// Runs an nn::Graph with XNNPACK's operator API on the calling thread (one instance per worker:
// not thread-safe). Weights are packed once, when the instance is made; buffers and operator
// set-up are kept for the last input size, so a stream of same-size inputs allocates nothing.
#include <memory>
#include <vector>

#include "detect/runtime/graph.hpp"

namespace faceloop::detect::nn {

/// An NHWC float tensor owned by the net; valid until its next Run.
struct TensorView {
  const float* data = nullptr;
  Shape shape;
};

class XnnpackNet {
 public:
  /// Throws faceloop::Error(kInternal) for a graph XNNPACK cannot run (with the node's name).
  explicit XnnpackNet(const Graph& graph);
  ~XnnpackNet();
  XnnpackNet(const XnnpackNet&) = delete;
  XnnpackNet& operator=(const XnnpackNet&) = delete;

  /// Runs the graph on a contiguous NHWC input of height x width x (the graph's input channels);
  /// returns the graph's outputs, in order.
  std::vector<TensorView> Run(const float* input, int height, int width);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace faceloop::detect::nn
