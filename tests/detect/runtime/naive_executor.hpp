#pragma once
// A deliberately naive executor of nn::Graph (loops straight from the op definitions, no tiling, no
// packing): the reference that importers and runtimes are checked against in tests.
#include <vector>

#include "detect/runtime/graph.hpp"

namespace faceloop::detect::nn {

struct NaiveTensor {
  Shape shape;
  std::vector<float> data;  // NHWC
  float At(int y, int x, int c) const {
    return data[(static_cast<std::size_t>(y) * shape.width + x) * shape.channels + c];
  }
};

/// Runs `graph` on an NHWC input of height x width; returns the graph's outputs in order.
std::vector<NaiveTensor> RunNaive(const Graph& graph, const std::vector<float>& input, int height, int width);

}  // namespace faceloop::detect::nn
