#pragma once
// PyTorch exports compute some operands at run time from tensor shapes (Shape -> Gather -> Unsqueeze
// -> Concat -> Resize/Reshape). Runtimes that want fixed operands (OpenCV 4.6, our nn::Graph) need
// to know what those computations mean; this follows them back to their sources, symbolically.
#include <cstdint>
#include <string>
#include <vector>

#include "detect/import/onnx_model.hpp"

namespace faceloop::detect {

/// One element of a 1-D integer tensor computed at run time: a constant, or dimension `axis` of the
/// tensor named `tensor`.
struct SymbolicDim {
  std::string tensor;  // empty for a constant
  int axis = 0;
  std::int64_t value = 0;
  bool IsConstant() const { return tensor.empty(); }
  bool operator==(const SymbolicDim&) const = default;
};

/// The elements of the integer tensor `name`, following Shape, Gather, Slice, Unsqueeze, Squeeze,
/// Concat, Cast and Constant nodes (and initializers). Data tensors are assumed to have rank
/// `data_rank` (feature maps are NCHW). Throws Error(kInternal) naming the first node it cannot
/// follow.
std::vector<SymbolicDim> EvaluateShapeTensor(const OnnxModel& model, const std::string& name, int data_rank = 4);

}  // namespace faceloop::detect
