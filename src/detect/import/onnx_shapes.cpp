#include "detect/import/onnx_shapes.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"

namespace faceloop::detect {
namespace {

using Dims = std::vector<SymbolicDim>;

// Deeper chains than this are not shape plumbing; it also stops cycles in a hostile file.
constexpr int kMaxDepth = 64;

[[noreturn]] void Bad(const std::string& message) { throw Error(ErrorCode::kInternal, "ONNX model: " + message); }

/// numpy-style index clamping for Slice: negative counts from the end, then clamp to [0, size].
std::int64_t ClampIndex(std::int64_t index, std::int64_t size) {
  if (index < 0) index += size;
  return std::clamp<std::int64_t>(index, 0, size);
}

class ShapeEvaluator {
 public:
  ShapeEvaluator(const OnnxModel& model, int data_rank) : model_(model), data_rank_(data_rank) {}

  Dims Evaluate(const std::string& name, int depth) {
    if (depth > kMaxDepth) Bad("shape computation for " + name + " is too deep (or cyclic)");
    if (model_.IsConstant(name)) return FromConstant(name);
    const onnx::NodeProto* node = model_.Producer(name);
    if (!node) Bad("shape operand " + name + " is neither computed nor constant");
    const std::string& op = node->op_type();
    if (op == "Shape") return OfShape(*node);
    if (node->input_size() < 1) Bad(Describe(*node) + " has no input");
    if (op == "Cast" || op == "Unsqueeze" || op == "Squeeze" || op == "Identity") {
      // Rank changes of a 1-element list do not change its elements.
      return Evaluate(node->input(0), depth + 1);
    }
    if (op == "Gather") return OfGather(*node, depth);
    if (op == "Slice") return OfSlice(*node, depth);
    if (op == "Concat") {
      Dims out;
      for (const auto& input : node->input()) {
        const Dims part = Evaluate(input, depth + 1);
        out.insert(out.end(), part.begin(), part.end());
      }
      return out;
    }
    Bad("cannot follow the shape computation through " + Describe(*node));
  }

 private:
  Dims FromConstant(const std::string& name) const {
    const OnnxTensor tensor = model_.Constant(name);
    Dims out;
    for (std::int64_t value : tensor.ints) out.push_back({{}, 0, value});
    for (float value : tensor.floats) {
      // Shape values are small integers; anything else (or a float no int64 holds) is not plumbing.
      if (!(std::abs(value) <= 1e9f) || value != std::floor(value)) Bad("shape constant " + name + " is not integral");
      out.push_back({{}, 0, static_cast<std::int64_t>(value)});
    }
    return out;
  }

  Dims OfShape(const onnx::NodeProto& node) const {
    if (node.input_size() != 1) Bad(Describe(node) + " needs one input");
    Dims all;
    for (int axis = 0; axis < data_rank_; ++axis) all.push_back({node.input(0), axis, 0});
    // Shape-15's optional start/end select a range of the dimensions.
    const std::int64_t start = ClampIndex(IntAttr(node, "start", 0), data_rank_);
    const std::int64_t end = ClampIndex(IntAttr(node, "end", data_rank_), data_rank_);
    if (start >= end) return {};
    return {all.begin() + start, all.begin() + end};
  }

  Dims OfGather(const onnx::NodeProto& node, int depth) {
    if (node.input_size() != 2 || IntAttr(node, "axis", 0) != 0) Bad(Describe(node) + " is not a 1-D gather");
    const Dims data = Evaluate(node.input(0), depth + 1);
    const OnnxTensor indices = model_.Constant(node.input(1));
    const auto size = static_cast<std::int64_t>(data.size());
    Dims out;
    for (std::int64_t index : indices.ints) {
      if (index < -size || index >= size) Bad(Describe(node) + " index out of range");
      out.push_back(data[static_cast<std::size_t>(index < 0 ? index + size : index)]);
    }
    if (out.empty()) Bad(Describe(node) + " gathers nothing");
    return out;
  }

  /// Slice along axis 0 of a 1-D list, with its bounds as inputs (opset >= 10) or attributes.
  Dims OfSlice(const onnx::NodeProto& node, int depth) {
    const Dims data = Evaluate(node.input(0), depth + 1);
    std::vector<std::int64_t> starts, ends, axes{0}, steps{1};
    if (model_.opset() >= 10) {
      if (node.input_size() < 3) Bad(Describe(node) + " needs starts and ends");
      starts = model_.Constant(node.input(1)).ints;
      ends = model_.Constant(node.input(2)).ints;
      if (node.input_size() > 3 && !node.input(3).empty()) axes = model_.Constant(node.input(3)).ints;
      if (node.input_size() > 4 && !node.input(4).empty()) steps = model_.Constant(node.input(4)).ints;
    } else {
      starts = IntsAttr(node, "starts");
      ends = IntsAttr(node, "ends");
      axes = IntsAttr(node, "axes", {0});
    }
    if (starts.size() != 1 || ends.size() != 1 || axes.size() != 1 || steps.size() != 1 ||
        (axes[0] != 0 && axes[0] != -1) || steps[0] != 1) {
      Bad(Describe(node) + " is not a unit-step slice of a 1-D list");
    }
    const auto size = static_cast<std::int64_t>(data.size());
    const std::int64_t begin = ClampIndex(starts[0], size);
    const std::int64_t end = ClampIndex(ends[0], size);
    if (begin >= end) return {};
    return {data.begin() + begin, data.begin() + end};
  }

  const OnnxModel& model_;
  const int data_rank_;
};

}  // namespace

std::vector<SymbolicDim> EvaluateShapeTensor(const OnnxModel& model, const std::string& name, int data_rank) {
  return ShapeEvaluator(model, data_rank).Evaluate(name, 0);
}

}  // namespace faceloop::detect
