#include "detect/runtime/tfjs_net_builder.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "detect/import/tfjs_attrs.hpp"

namespace faceloop::detect {
namespace {

[[noreturn]] void Fail(const std::string& message) { throw Error(ErrorCode::kInternal, "tfjs model: " + message); }

int ConvOutput(int in, int kernel, int stride, int pad_total, bool same) {
  return same ? (in + stride - 1) / stride : (in + pad_total - kernel) / stride + 1;
}

/// HWIO (TensorFlow) -> OIHW (OpenCV); for depthwise HWCM -> (C*M)x1xHxW.
cv::Mat ConvWeights(const TfjsTensor& w, bool depthwise) {
  const int kh = w.shape[0], kw = w.shape[1], in = w.shape[2], mult = w.shape[3];
  const int out = depthwise ? in * mult : mult;
  const int per_group = depthwise ? 1 : in;
  const int sizes[] = {out, per_group, kh, kw};
  cv::Mat blob(4, sizes, CV_32F);
  auto* dst = blob.ptr<float>();
  for (int y = 0; y < kh; ++y) {
    for (int x = 0; x < kw; ++x) {
      for (int i = 0; i < in; ++i) {
        for (int m = 0; m < mult; ++m) {
          const float value = w.values[((y * kw + x) * in + i) * mult + m];
          const int o = depthwise ? i * mult + m : m;
          const int c = depthwise ? 0 : i;
          dst[((o * per_group + c) * kh + y) * kw + x] = value;
        }
      }
    }
  }
  return blob;
}

}  // namespace

TfjsNetBuilder::TfjsNetBuilder(const TfjsGraph& graph) : graph_(graph) {
  for (const TfjsNode& node : graph.nodes) by_name_[node.name] = &node;
}

TfjsNet TfjsNetBuilder::Build(const std::vector<std::string>& outputs) {
  TfjsNet result;
  for (const std::string& name : outputs) {
    if (!by_name_.contains(name)) Fail("no node named " + name);
    Visit(name);
    const auto port = ports_.find(name);
    if (port == ports_.end() || !layer_names_.contains(port->second.layer)) Fail(name + " cannot be an output");
    result.output_layers.push_back(layer_names_.at(port->second.layer));
  }
  result.net = net_;
  return result;
}

const TfjsTensor& TfjsNetBuilder::Constant(const std::string& name) const {
  const auto it = graph_.constants.find(name);
  if (it == graph_.constants.end()) Fail("missing constant " + name);
  return it->second;
}

void TfjsNetBuilder::Visit(const std::string& name) {
  if (ports_.contains(name) || pending_pads_.contains(name) || graph_.constants.contains(name)) return;
  if (!visiting_.insert(name).second) Fail("cycle at " + name);
  const TfjsNode& node = *by_name_.at(name);
  for (const std::string& input : node.inputs) {
    if (!by_name_.contains(input)) Fail(node.name + ": unknown input " + input);
    Visit(input);
  }
  Translate(node);
}

void TfjsNetBuilder::Translate(const TfjsNode& node) {
  const std::string& op = node.op;
  if (op == "Const") return;
  if (op == "Placeholder") return AddPlaceholder(node);
  if (op == "Pad") return AddPad(node);
  if (op == "_FusedConv2D" || op == "Conv2D") return AddConvolution(node, false);
  if (op == "FusedDepthwiseConv2dNative" || op == "DepthwiseConv2dNative") return AddConvolution(node, true);
  if (op == "AddV2" || op == "Add") return AddElementwiseSum(node);
  if (op == "Relu") return AddActivation(node, "ReLU");
  if (op == "Relu6") return AddActivation(node, "ReLU6");
  if (op == "MaxPool") return AddMaxPool(node);
  if (op == "ResizeBilinear") return AddResizeBilinear(node);
  if (op == "Identity") return AddIdentity(node);
  Fail("op " + op + " (node " + node.name + ") is not supported");
}

TfjsNetBuilder::Port TfjsNetBuilder::Input(const TfjsNode& node, std::size_t index) {
  const std::string& name = node.inputs.at(index);
  if (const auto pad = pending_pads_.find(name); pad != pending_pads_.end()) {
    // A consumer that cannot absorb the pad: materialise it as a Padding layer.
    const PendingPad p = pad->second;
    const Port source = ports_.at(p.source);
    const int paddings[] = {0, 0, 0, 0, p.top, p.bottom, p.left, p.right};
    cv::dnn::LayerParams params;
    params.set("paddings", cv::dnn::DictValue::arrayInt(paddings, 8));
    params.set("value", 0);
    const int id = AddLayer(name, "Padding", params, {source});
    ports_[name] = Port{id, {source.nominal.width + p.left + p.right, source.nominal.height + p.top + p.bottom}};
    pending_pads_.erase(pad);
  }
  const auto it = ports_.find(name);
  if (it == ports_.end()) Fail(node.name + ": input " + name + " has no value");
  return it->second;
}

int TfjsNetBuilder::AddLayer(const std::string& name, const std::string& type, cv::dnn::LayerParams& params,
                             const std::vector<Port>& inputs) {
  params.name = name;
  params.type = type;
  const int id = net_.addLayer(name, type, params);
  layer_names_[id] = name;
  for (std::size_t i = 0; i < inputs.size(); ++i) net_.connect(inputs[i].layer, 0, id, static_cast<int>(i));
  return id;
}

void TfjsNetBuilder::AddPlaceholder(const TfjsNode& node) {
  const auto& dims = node.attr["shape"]["shape"]["dim"];
  if (dims.size() != 4) Fail("input " + node.name + " is not a 4-D NHWC tensor");
  net_.setInputsNames({node.name});
  ports_[node.name] = Port{0, {std::stoi(dims[2].value("size", "0")), std::stoi(dims[1].value("size", "0"))}};
}

void TfjsNetBuilder::AddPad(const TfjsNode& node) {
  const TfjsTensor& pads = Constant(node.inputs.at(1));
  if (pads.values.size() != 8) Fail(node.name + ": paddings must be 4x2");
  const auto& v = pads.values;
  if (v[0] != 0 || v[1] != 0) Fail(node.name + ": batch padding");
  if (v[6] == 0 && v[7] == 0) {
    pending_pads_[node.name] = PendingPad{node.inputs[0], static_cast<int>(v[2]), static_cast<int>(v[3]),
                                          static_cast<int>(v[4]), static_cast<int>(v[5])};
    return;
  }
  // Channel padding (BlazeFace's residual shortcuts): NHWC paddings reordered to NCHW.
  const Port source = Input(node, 0);
  const int paddings[] = {0,
                          0,
                          static_cast<int>(v[6]),
                          static_cast<int>(v[7]),
                          static_cast<int>(v[2]),
                          static_cast<int>(v[3]),
                          static_cast<int>(v[4]),
                          static_cast<int>(v[5])};
  cv::dnn::LayerParams params;
  params.set("paddings", cv::dnn::DictValue::arrayInt(paddings, 8));
  params.set("value", 0);
  const int id = AddLayer(node.name, "Padding", params, {source});
  ports_[node.name] =
      Port{id, {source.nominal.width + paddings[6] + paddings[7], source.nominal.height + paddings[4] + paddings[5]}};
}

void TfjsNetBuilder::AddConvolution(const TfjsNode& node, bool depthwise) {
  PendingPad pad;
  Port source;
  if (const auto it = pending_pads_.find(node.inputs.at(0)); it != pending_pads_.end()) {
    pad = it->second;
    source = ports_.at(pad.source);
  } else {
    source = Input(node, 0);
  }
  const TfjsTensor& weights = Constant(node.inputs.at(1));
  if (weights.shape.size() != 4) Fail(node.name + ": weights must be 4-D");
  const HeightWidth stride = SpatialPair(node, "strides");
  const bool same = StringAttr(node, "padding") == "SAME";
  if (same && ((pad.top != 0) || (pad.bottom != 0) || (pad.left != 0) || (pad.right != 0))) {
    Fail(node.name + ": SAME conv after Pad");
  }

  cv::dnn::LayerParams params;
  params.set("kernel_h", weights.shape[0]);
  params.set("kernel_w", weights.shape[1]);
  params.set("stride_h", stride.height);
  params.set("stride_w", stride.width);
  const int out_channels = depthwise ? weights.shape[2] * weights.shape[3] : weights.shape[3];
  params.set("num_output", out_channels);
  params.set("group", depthwise ? weights.shape[2] : 1);
  if (same) {
    params.set("pad_mode", "SAME");
  } else {
    params.set("pad_t", pad.top);
    params.set("pad_b", pad.bottom);
    params.set("pad_l", pad.left);
    params.set("pad_r", pad.right);
  }
  params.blobs.push_back(ConvWeights(weights, depthwise));
  const std::vector<std::string> fused = StringListAttr(node, "fused_ops");
  const bool has_bias = !fused.empty() && fused[0] == "BiasAdd";
  params.set("bias_term", has_bias);
  if (has_bias) {
    const TfjsTensor& bias = Constant(node.inputs.at(2));
    if (bias.values.size() != static_cast<std::size_t>(out_channels)) {
      Fail(node.name + ": bias size differs from outputs");
    }
    cv::Mat bias_row(1, out_channels, CV_32F);
    std::copy(bias.values.begin(), bias.values.end(), bias_row.ptr<float>());
    params.blobs.push_back(bias_row);
  }
  const int id = AddLayer(node.name, "Convolution", params, {source});
  const cv::Size nominal(
      ConvOutput(source.nominal.width, weights.shape[1], stride.width, pad.left + pad.right, same),
      ConvOutput(source.nominal.height, weights.shape[0], stride.height, pad.top + pad.bottom, same));
  AddFusedActivations(node, Port{id, nominal});
}

void TfjsNetBuilder::AddFusedActivations(const TfjsNode& node, Port port) {
  const std::vector<std::string> fused = StringListAttr(node, "fused_ops");
  for (const auto& i : fused) {
    if (i == "BiasAdd") continue;
    if (i != "Relu" && i != "Relu6") Fail(node.name + ": fused op " + i + " is not supported");
    cv::dnn::LayerParams params;
    const std::string type = i == "Relu" ? "ReLU" : "ReLU6";
    port.layer = AddLayer(node.name + "/" + type, type, params, {port});
  }
  ports_[node.name] = port;
}

void TfjsNetBuilder::AddElementwiseSum(const TfjsNode& node) {
  const Port a = Input(node, 0);
  const Port b = Input(node, 1);
  cv::dnn::LayerParams params;
  params.set("operation", "sum");
  ports_[node.name] = Port{AddLayer(node.name, "Eltwise", params, {a, b}), a.nominal};
}

void TfjsNetBuilder::AddActivation(const TfjsNode& node, const std::string& type) {
  const Port source = Input(node, 0);
  cv::dnn::LayerParams params;
  ports_[node.name] = Port{AddLayer(node.name, type, params, {source}), source.nominal};
}

void TfjsNetBuilder::AddMaxPool(const TfjsNode& node) {
  const Port source = Input(node, 0);
  const HeightWidth kernel = SpatialPair(node, "ksize");
  const HeightWidth stride = SpatialPair(node, "strides");
  const bool same = StringAttr(node, "padding") == "SAME";
  cv::dnn::LayerParams params;
  params.set("pool", "max");
  params.set("kernel_h", kernel.height);
  params.set("kernel_w", kernel.width);
  params.set("stride_h", stride.height);
  params.set("stride_w", stride.width);
  params.set("pad_mode", same ? "SAME" : "VALID");
  const cv::Size nominal(ConvOutput(source.nominal.width, kernel.width, stride.width, 0, same),
                         ConvOutput(source.nominal.height, kernel.height, stride.height, 0, same));
  ports_[node.name] = Port{AddLayer(node.name, "Pooling", params, {source}), nominal};
}

void TfjsNetBuilder::AddResizeBilinear(const TfjsNode& node) {
  const Port source = Input(node, 0);
  const TfjsTensor& size = Constant(node.inputs.at(1));
  if (size.values.size() != 2 || source.nominal.width <= 0) Fail(node.name + ": cannot infer the resize factor");
  // The graph stores the target size for its nominal input; a factor keeps the net size-agnostic.
  const cv::Size target(static_cast<int>(size.values[1]), static_cast<int>(size.values[0]));
  cv::dnn::LayerParams params;
  params.set("interpolation", "bilinear");
  params.set("zoom_factor_x", static_cast<float>(target.width) / static_cast<float>(source.nominal.width));
  params.set("zoom_factor_y", static_cast<float>(target.height) / static_cast<float>(source.nominal.height));
  params.set("align_corners", BoolAttr(node, "align_corners"));
  params.set("half_pixel_centers", BoolAttr(node, "half_pixel_centers"));
  ports_[node.name] = Port{AddLayer(node.name, "Resize", params, {source}), target};
}

void TfjsNetBuilder::AddIdentity(const TfjsNode& node) { ports_[node.name] = Input(node, 0); }

}  // namespace faceloop::detect
