#include "detect/import/tfjs_to_graph.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "common/error.hpp"
#include "detect/import/tfjs_attrs.hpp"

namespace faceloop::detect {
namespace {

[[noreturn]] void Fail(const std::string& message) { throw Error(ErrorCode::kInternal, "tfjs model: " + message); }

/// HWIO (TensorFlow) -> OHWI (nn::Graph); depthwise HWCM -> (C*M)HW1, output channel c*M+m.
std::vector<float> ConvWeights(const TfjsTensor& w, bool depthwise) {
  // Offsets in std::size_t, so that a large kernel's cannot overflow int on the way.
  const auto dim = [&w](std::size_t axis) {
    if (w.shape[axis] < 0) Fail("negative dimension in convolution weights");
    return static_cast<std::size_t>(w.shape[axis]);
  };
  const std::size_t kh = dim(0), kw = dim(1), in = dim(2), mult = dim(3);
  const std::size_t per_group = depthwise ? 1 : in;
  std::vector<float> out(w.values.size());
  for (std::size_t y = 0; y < kh; ++y) {
    for (std::size_t x = 0; x < kw; ++x) {
      for (std::size_t i = 0; i < in; ++i) {
        for (std::size_t m = 0; m < mult; ++m) {
          const std::size_t o = depthwise ? i * mult + m : m;
          const std::size_t c = depthwise ? 0 : i;
          out[((o * kh + y) * kw + x) * per_group + c] = w.values[((y * kw + x) * in + i) * mult + m];
        }
      }
    }
  }
  return out;
}

nn::Activation ActivationOf(const std::string& op) {
  if (op == "Relu") return nn::Activation::kRelu;
  if (op == "Relu6") return nn::Activation::kRelu6;
  if (op == "LeakyRelu") return nn::Activation::kLeakyRelu;
  if (op == "Sigmoid") return nn::Activation::kSigmoid;
  return nn::Activation::kNone;
}

class Converter {
 public:
  Converter(const TfjsGraph& graph, const std::vector<std::string>& outputs)
      : tfjs_(graph), outputs_(outputs.begin(), outputs.end()) {
    for (const TfjsNode& node : graph.nodes) {
      by_name_[node.name] = &node;
      for (const std::string& input : node.inputs) ++readers_[input];
    }
  }

  nn::Graph Run(const std::vector<std::string>& outputs) {
    for (const std::string& name : outputs) {
      if (!by_name_.contains(name)) Fail("no node named " + name);
      Visit(name);
      graph_.outputs.push_back(Value(name));
    }
    return std::move(graph_);
  }

 private:
  /// A spatial zero-pad not yet materialised: folded into the convolution that reads it.
  struct PendingPad {
    std::string source;
    nn::Padding padding;
  };

  void Visit(const std::string& name) {
    if (values_.contains(name) || pending_pads_.contains(name) || tfjs_.constants.contains(name)) return;
    if (!visiting_.insert(name).second) Fail("cycle at " + name);
    const TfjsNode& node = *by_name_.at(name);
    for (const std::string& input : node.inputs) {
      if (!by_name_.contains(input) && !tfjs_.constants.contains(input)) Fail(node.name + ": unknown input " + input);
      Visit(input);
    }
    Translate(node);
  }

  void Translate(const TfjsNode& node) {
    const std::string& op = node.op;
    if (op == "Const") return;
    if (op == "Placeholder") return AddInput(node);
    if (op == "Pad") return AddPad(node);
    if (op == "_FusedConv2D" || op == "Conv2D") return AddConvolution(node, false);
    if (op == "FusedDepthwiseConv2dNative" || op == "DepthwiseConv2dNative") return AddConvolution(node, true);
    if (op == "AddV2" || op == "Add") return AddSum(node);
    if (ActivationOf(op) != nn::Activation::kNone) return AddActivation(node);
    if (op == "MaxPool") return AddMaxPool(node);
    if (op == "ResizeBilinear") return AddResizeBilinear(node);
    if (op == "Identity") {
      values_[node.name] = Value(node.inputs.at(0));
      return;
    }
    Fail("op " + op + " (node " + node.name + ") is not supported");
  }

  const TfjsTensor& Constant(const TfjsNode& node, std::size_t input) const {
    const auto it = tfjs_.constants.find(node.inputs.at(input));
    if (it == tfjs_.constants.end()) Fail(node.name + ": input " + node.inputs.at(input) + " is not a constant");
    return it->second;
  }

  /// The value of a node; a pending pad read by something other than a convolution becomes a Pad node.
  nn::ValueId Value(const std::string& name) {
    if (const auto pad = pending_pads_.find(name); pad != pending_pads_.end()) {
      const PendingPad pending = pad->second;
      pending_pads_.erase(pad);
      values_[name] = graph_.Add(name, nn::Pad{Value(pending.source), pending.padding});
    }
    const auto it = values_.find(name);
    if (it == values_.end()) Fail(name + " has no value");
    return it->second;
  }

  void AddInput(const TfjsNode& node) {
    const auto& dims = node.attr["shape"]["shape"]["dim"];
    if (!graph_.nodes.empty() || dims.size() != 4) Fail("input " + node.name + " is not the only 4-D NHWC input");
    nominal_height_ = std::stoi(dims[1].value("size", "0"));
    nominal_width_ = std::stoi(dims[2].value("size", "0"));
    values_[node.name] = graph_.Add(node.name, nn::Input{std::stoi(dims[3].value("size", "0"))});
  }

  void AddPad(const TfjsNode& node) {
    const TfjsTensor& pads = Constant(node, 1);
    if (pads.values.size() != 8) Fail(node.name + ": paddings must be 4x2");
    std::vector<int> v(pads.values.begin(), pads.values.end());
    if (v[0] != 0 || v[1] != 0) Fail(node.name + ": batch padding");
    const nn::Padding spatial{v[2], v[4], v[3], v[5], false};
    if (v[6] == 0 && v[7] == 0) {
      pending_pads_[node.name] = PendingPad{node.inputs.at(0), spatial};
      return;
    }
    // Channel padding (BlazeFace's residual shortcuts).
    values_[node.name] = graph_.Add(node.name, nn::Pad{Value(node.inputs.at(0)), spatial, v[6], v[7]});
  }

  void AddConvolution(const TfjsNode& node, bool depthwise) {
    nn::Conv2D conv;
    if (const auto pad = pending_pads_.find(node.inputs.at(0)); pad != pending_pads_.end()) {
      conv.padding = pad->second.padding;
      conv.input = Value(pad->second.source);
    } else {
      conv.input = Value(node.inputs.at(0));
    }
    const TfjsTensor& weights = Constant(node, 1);
    if (weights.shape.size() != 4) Fail(node.name + ": weights must be 4-D");
    if (StringAttr(node, "padding") == "SAME") {
      if ((conv.padding.top != 0) || (conv.padding.left != 0) || (conv.padding.bottom != 0) ||
          (conv.padding.right != 0)) {
        Fail(node.name + ": SAME convolution after a Pad");
      }
      conv.padding.same = true;
    }
    conv.kernel_h = weights.shape[0];
    conv.kernel_w = weights.shape[1];
    conv.in_channels = weights.shape[2];
    conv.out_channels = depthwise ? weights.shape[2] * weights.shape[3] : weights.shape[3];
    conv.groups = depthwise ? weights.shape[2] : 1;
    const HeightWidth stride = SpatialPair(node, "strides"), dilation = SpatialPair(node, "dilations");
    conv.stride_h = stride.height;
    conv.stride_w = stride.width;
    conv.dilation_h = dilation.height;
    conv.dilation_w = dilation.width;
    conv.weights = ConvWeights(weights, depthwise);
    for (const std::string& fused : StringListAttr(node, "fused_ops")) {
      if (fused == "BiasAdd") {
        conv.bias = Constant(node, 2).values;
      } else if (ActivationOf(fused) != nn::Activation::kNone && conv.activation == nn::Activation::kNone) {
        conv.activation = ActivationOf(fused);
        conv.alpha = FloatAttr(node, "leakyrelu_alpha", 0.2f);
      } else {
        Fail(node.name + ": fused op " + fused + " is not supported");
      }
    }
    values_[node.name] = graph_.Add(node.name, std::move(conv));
  }

  void AddSum(const TfjsNode& node) {
    values_[node.name] = graph_.Add(node.name, nn::Add{Value(node.inputs.at(0)), Value(node.inputs.at(1))});
  }

  /// Fuses into the producer when the producer can take it and nothing else sees its raw value.
  void AddActivation(const TfjsNode& node) {
    const std::string& source = node.inputs.at(0);
    const nn::ValueId input = Value(source);
    const nn::Activation activation = ActivationOf(node.op);
    const float alpha = FloatAttr(node, "alpha", 0.2f);
    nn::Op& producer = graph_.nodes[static_cast<std::size_t>(input)].op;
    const bool private_value = readers_[source] == 1 && !outputs_.contains(source);
    if (auto* conv = std::get_if<nn::Conv2D>(&producer);
        conv && private_value && conv->activation == nn::Activation::kNone) {
      conv->activation = activation;
      conv->alpha = alpha;
      values_[node.name] = input;
    } else if (auto* sum = std::get_if<nn::Add>(&producer);
               sum && private_value && sum->activation == nn::Activation::kNone) {
      sum->activation = activation;
      sum->alpha = alpha;
      values_[node.name] = input;
    } else {
      values_[node.name] = graph_.Add(node.name, nn::Unary{input, activation, alpha});
    }
  }

  void AddMaxPool(const TfjsNode& node) {
    const HeightWidth kernel = SpatialPair(node, "ksize"), stride = SpatialPair(node, "strides");
    nn::MaxPool pool{Value(node.inputs.at(0)), kernel.height, kernel.width, stride.height, stride.width, {}};
    pool.padding.same = StringAttr(node, "padding") == "SAME";
    values_[node.name] = graph_.Add(node.name, pool);
  }

  void AddResizeBilinear(const TfjsNode& node) {
    const nn::ValueId input = Value(node.inputs.at(0));
    const TfjsTensor& size = Constant(node, 1);
    if (size.values.size() != 2 || nominal_height_ <= 0 || nominal_width_ <= 0) {
      Fail(node.name + ": cannot infer the resize factor");
    }
    // The graph stores the target for its nominal input; a factor keeps the graph size-agnostic.
    const nn::Shape nominal = nn::InferShapes(graph_, nominal_height_, nominal_width_)[static_cast<std::size_t>(input)];
    nn::ResizeBilinear resize{input, size.values[0] / static_cast<float>(nominal.height),
                              size.values[1] / static_cast<float>(nominal.width), BoolAttr(node, "align_corners"),
                              BoolAttr(node, "half_pixel_centers")};
    values_[node.name] = graph_.Add(node.name, resize);
  }

  const TfjsGraph& tfjs_;
  const std::set<std::string> outputs_;
  std::unordered_map<std::string, const TfjsNode*> by_name_;
  std::unordered_map<std::string, int> readers_;
  std::unordered_map<std::string, nn::ValueId> values_;
  std::unordered_map<std::string, PendingPad> pending_pads_;
  std::set<std::string> visiting_;
  nn::Graph graph_;
  int nominal_height_ = 0, nominal_width_ = 0;
};

}  // namespace

nn::Graph TfjsToGraph(const TfjsGraph& graph, const std::vector<std::string>& outputs) {
  return Converter(graph, outputs).Run(outputs);
}

}  // namespace faceloop::detect
