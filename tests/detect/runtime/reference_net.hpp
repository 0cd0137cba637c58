#pragma once
// A naive interpreter of nn::Graph for tests: one loop nest per op, written from the ops' definitions
// (TensorFlow semantics), with no concern for speed. Runtimes are checked against it.
#include <vector>

#include "detect/runtime/graph.hpp"

namespace faceloop::detect::nn::testing {

struct RefTensor {
  Shape shape;
  std::vector<float> values;  ///< NHWC, contiguous

  float At(int y, int x, int c) const {
    return values[(static_cast<std::size_t>(y) * static_cast<std::size_t>(shape.width) + static_cast<std::size_t>(x)) *
                      static_cast<std::size_t>(shape.channels) +
                  static_cast<std::size_t>(c)];
  }
  float& At(int y, int x, int c) {
    return values[(static_cast<std::size_t>(y) * static_cast<std::size_t>(shape.width) + static_cast<std::size_t>(x)) *
                      static_cast<std::size_t>(shape.channels) +
                  static_cast<std::size_t>(c)];
  }
};

/// The graph's outputs for an NHWC input of height x width.
std::vector<RefTensor> RunReference(const Graph& graph, const std::vector<float>& input, int height, int width);

}  // namespace faceloop::detect::nn::testing
