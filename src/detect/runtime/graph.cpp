#include "detect/runtime/graph.hpp"

#include <string>

#include "common/error.hpp"

namespace faceloop::detect::nn {
namespace {

[[noreturn]] void Malformed(const Node& node, const std::string& why) {
  throw Error(ErrorCode::kInternal, "network graph: node " + node.name + ": " + why);
}

[[noreturn]] void TooSmall(const Node& node, int height, int width) {
  throw Error(ErrorCode::kUnprocessable, "network input " + std::to_string(width) + "x" + std::to_string(height) +
                                             " is too small for node " + node.name);
}

int WindowOutput(int in, int kernel, int stride, int dilation, int pad_before, int pad_after, bool same) {
  if (same) return (in + stride - 1) / stride;
  const int span = dilation * (kernel - 1) + 1;
  return (in + pad_before + pad_after - span) / stride + 1;
}

class ShapeInference {
 public:
  ShapeInference(const Graph& graph, int height, int width) : graph_(graph), height_(height), width_(width) {}

  std::vector<Shape> Run() {
    if (graph_.nodes.empty() || !std::holds_alternative<Input>(graph_.nodes[0].op)) {
      throw Error(ErrorCode::kInternal, "network graph: node 0 must be the input");
    }
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
      current_ = static_cast<ValueId>(i);
      shapes_.push_back(std::visit([this](const auto& op) { return Of(op); }, graph_.nodes[i].op));
      const Shape& s = shapes_.back();
      if (s.height < 1 || s.width < 1) TooSmall(node(), height_, width_);
    }
    for (ValueId output : graph_.outputs) {
      if (output < 0 || output >= static_cast<ValueId>(shapes_.size())) {
        throw Error(ErrorCode::kInternal, "network graph: output id out of range");
      }
    }
    return std::move(shapes_);
  }

 private:
  const Node& node() const { return graph_.nodes[static_cast<std::size_t>(current_)]; }

  const Shape& In(ValueId id) const {
    if (id < 0 || id >= current_) Malformed(node(), "input id " + std::to_string(id) + " is not an earlier node");
    return shapes_[static_cast<std::size_t>(id)];
  }

  Shape Of(const Input& op) const {
    if (current_ != 0) Malformed(node(), "only node 0 may be the input");
    return {height_, width_, op.channels};
  }

  Shape Of(const Conv2D& op) const {
    const Shape& in = In(op.input);
    if (op.groups < 1 || op.in_channels != in.channels || op.in_channels % op.groups != 0 ||
        op.out_channels % op.groups != 0) {
      Malformed(node(), "channels/groups do not match its input");
    }
    const std::size_t expected = static_cast<std::size_t>(op.out_channels) * static_cast<std::size_t>(op.kernel_h) *
                                 static_cast<std::size_t>(op.kernel_w) *
                                 static_cast<std::size_t>(op.in_channels / op.groups);
    if (op.weights.size() != expected) Malformed(node(), "weights have the wrong size");
    if (!op.bias.empty() && op.bias.size() != static_cast<std::size_t>(op.out_channels)) {
      Malformed(node(), "bias has the wrong size");
    }
    const Padding& p = op.padding;
    return {WindowOutput(in.height, op.kernel_h, op.stride_h, op.dilation_h, p.top, p.bottom, p.same),
            WindowOutput(in.width, op.kernel_w, op.stride_w, op.dilation_w, p.left, p.right, p.same), op.out_channels};
  }

  Shape Of(const Add& op) const {
    const Shape& a = In(op.a);
    const Shape& b = In(op.b);
    if (a.height != b.height || a.width != b.width || a.channels != b.channels) TooSmall(node(), height_, width_);
    return a;
  }

  Shape Of(const MaxPool& op) const {
    const Shape& in = In(op.input);
    const Padding& p = op.padding;
    return {WindowOutput(in.height, op.kernel_h, op.stride_h, 1, p.top, p.bottom, p.same),
            WindowOutput(in.width, op.kernel_w, op.stride_w, 1, p.left, p.right, p.same), in.channels};
  }

  Shape Of(const Pad& op) const {
    const Shape& in = In(op.input);
    if (op.spatial.same) Malformed(node(), "a Pad needs explicit sizes");
    return {in.height + op.spatial.top + op.spatial.bottom, in.width + op.spatial.left + op.spatial.right,
            in.channels + op.channels_before + op.channels_after};
  }

  Shape Of(const Concat& op) const {
    if (op.inputs.empty()) Malformed(node(), "concatenation of nothing");
    Shape out = In(op.inputs.front());
    out.channels = 0;
    for (ValueId id : op.inputs) {
      const Shape& in = In(id);
      if (in.height != out.height || in.width != out.width) TooSmall(node(), height_, width_);
      out.channels += in.channels;
    }
    return out;
  }

  Shape Of(const UpsampleNearest& op) const {
    const Shape& in = In(op.input);
    if (op.factor < 1) Malformed(node(), "upsampling factor below 1");
    return {in.height * op.factor, in.width * op.factor, in.channels};
  }

  Shape Of(const ResizeBilinear& op) const {
    const Shape& in = In(op.input);
    // Truncation, as OpenCV's Resize layer does for zoom factors.
    return {static_cast<int>(static_cast<float>(in.height) * op.scale_h),
            static_cast<int>(static_cast<float>(in.width) * op.scale_w), in.channels};
  }

  Shape Of(const Unary& op) const { return In(op.input); }

  Shape Of(const PRelu& op) const {
    const Shape& in = In(op.input);
    if (op.slopes.size() != static_cast<std::size_t>(in.channels)) Malformed(node(), "one slope per channel needed");
    return in;
  }

  const Graph& graph_;
  const int height_;
  const int width_;
  ValueId current_ = 0;
  std::vector<Shape> shapes_;
};

}  // namespace

ValueId Graph::Add(std::string name, Op op) {
  nodes.push_back(Node{std::move(name), std::move(op)});
  return static_cast<ValueId>(nodes.size() - 1);
}

std::vector<Shape> InferShapes(const Graph& graph, int height, int width) {
  return ShapeInference(graph, height, width).Run();
}

}  // namespace faceloop::detect::nn
