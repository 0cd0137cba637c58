#include "detect/import/onnx_graph.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <variant>

#include "common/error.hpp"
#include "detect/import/onnx_model.hpp"
#include "detect/import/onnx_shapes.hpp"

namespace faceloop::detect {
namespace {

[[noreturn]] void Bad(const std::string& message) { throw Error(ErrorCode::kInternal, "ONNX import: " + message); }

/// A feature map (NCHW in ONNX, NHWC in the nn::Graph).
struct Spatial {
  nn::ValueId id;
};
/// Transpose(perm 0,2,3,1) of a feature map: the nn::Graph's own layout, so nothing to compute.
struct NhwcView {
  nn::ValueId id;
};
/// [N, anchors, k] head rows: the NHWC maps of `parts` read as rows of k values.
struct Rows {
  std::vector<nn::ValueId> parts;
  int row_size = 0;
  bool softmax = false;
};
using Value = std::variant<Spatial, NhwcView, Rows>;

// Ops that only compute shapes; they are followed on demand (onnx_shapes.hpp), not translated.
const std::set<std::string> kShapeOps = {"Shape", "Constant", "Gather", "Unsqueeze", "Squeeze", "Slice", "Cast"};

int ToInt(std::int64_t value, const onnx::NodeProto& node, std::int64_t min = 0) {
  if (value < min || value > (1 << 16)) Bad(Describe(node) + " has an out-of-range attribute");
  return static_cast<int>(value);
}

class OnnxImporter {
 public:
  explicit OnnxImporter(const OnnxModel& model) : model_(model) {}

  ImportedOnnx Run() {
    AddInput();
    for (const auto& node : model_.graph().node()) Translate(node);
    for (const auto& output : model_.graph().output()) AddOutput(output.name());
    if (result_.outputs.empty()) Bad("the graph has no outputs");
    nn::InferShapes(result_.graph, kOnnxNominalInput, kOnnxNominalInput);  // malformed graphs fail here
    return std::move(result_);
  }

 private:
  void AddInput() {
    const onnx::ValueInfoProto* input = nullptr;
    for (const auto& candidate : model_.graph().input()) {
      if (model_.IsConstant(candidate.name())) continue;  // old exports list initializers as inputs
      if (input) Bad("more than one graph input");
      input = &candidate;
    }
    if (!input) Bad("no graph input");
    const auto& shape = input->type().tensor_type().shape();
    if (shape.dim_size() != 4 || shape.dim(1).dim_value() < 1 || shape.dim(1).dim_value() > 64) {
      Bad("input " + input->name() + " must be NCHW with a fixed channel count");
    }
    const int channels = static_cast<int>(shape.dim(1).dim_value());
    values_[input->name()] = Spatial{result_.graph.Add(input->name(), nn::Input{channels})};
    tensor_of_.push_back(input->name());
  }

  /// Adds an nn node computing the ONNX node's first output.
  void AddNode(const onnx::NodeProto& node, nn::Op op) {
    if (node.output_size() < 1) Bad(Describe(node) + " has no output");
    const std::string name = node.name().empty() ? node.output(0) : node.name();
    Define(node, Spatial{result_.graph.Add(name, std::move(op))});
    tensor_of_.push_back(node.output(0));
  }

  const Value* Find(const std::string& name) const {
    const auto it = values_.find(model_.SkipIdentities(name));
    return it == values_.end() ? nullptr : &it->second;
  }

  nn::ValueId SpatialInput(const onnx::NodeProto& node, int index) {
    if (node.input_size() <= index) Bad(Describe(node) + " lacks input " + std::to_string(index));
    const Value* value = Find(node.input(index));
    if (!value || !std::holds_alternative<Spatial>(*value)) {
      Bad(Describe(node) + ": input " + node.input(index) + " is not a feature map computed earlier");
    }
    return std::get<Spatial>(*value).id;
  }

  void Define(const onnx::NodeProto& node, Value value) {
    if (node.output_size() < 1) Bad(Describe(node) + " has no output");
    values_[node.output(0)] = std::move(value);
  }

  nn::Shape NominalShape(nn::ValueId id) const {
    return nn::InferShapes(result_.graph, kOnnxNominalInput, kOnnxNominalInput)[static_cast<std::size_t>(id)];
  }

  void Translate(const onnx::NodeProto& node) {
    const std::string& op = node.op_type();
    if (op == "Identity") return;  // readers look through it (SkipIdentities)
    if (kShapeOps.contains(op) || (op == "Concat" && !ReadsData(node))) return;
    if (op == "Conv") return AddConv(node);
    if (op == "Relu" || op == "LeakyRelu") return AddActivation(node);
    if (op == "Add") return AddSum(node);
    if (op == "Concat") return AddConcat(node);
    if (op == "MaxPool") return AddMaxPool(node);
    if (op == "Resize" || op == "Upsample") return AddUpsample(node);
    if (op == "Transpose") return AddTranspose(node);
    if (op == "Reshape") return AddHeadReshape(node);
    if (op == "Softmax") return AddSoftmax(node);
    Bad("unsupported op " + Describe(node));
  }

  bool ReadsData(const onnx::NodeProto& node) const {
    for (const auto& input : node.input()) {
      if (Find(input)) return true;
    }
    return false;
  }

  void AddConv(const onnx::NodeProto& node) {
    nn::Conv2D conv;
    conv.input = SpatialInput(node, 0);
    if (node.input_size() < 2) Bad(Describe(node) + " has no weights");
    const OnnxTensor weights = model_.Constant(node.input(1));
    if (weights.dims.size() != 4 || weights.floats.empty()) Bad(Describe(node) + ": weights must be 4-D float");
    conv.groups = ToInt(IntAttr(node, "group", 1), node);
    conv.out_channels = static_cast<int>(weights.dims[0]);
    const int per_group = static_cast<int>(weights.dims[1]);
    conv.kernel_h = static_cast<int>(weights.dims[2]);
    conv.kernel_w = static_cast<int>(weights.dims[3]);
    conv.in_channels = per_group * conv.groups;
    SetWindow(node, conv);
    conv.weights = OihwToOhwi(weights, per_group);
    if (node.input_size() > 2 && !node.input(2).empty()) conv.bias = model_.Constant(node.input(2)).floats;
    AddNode(node, std::move(conv));
  }

  static std::vector<float> OihwToOhwi(const OnnxTensor& w, int per_group) {
    const auto out = static_cast<std::size_t>(w.dims[0]);
    const auto kh = static_cast<std::size_t>(w.dims[2]), kw = static_cast<std::size_t>(w.dims[3]);
    const auto in = static_cast<std::size_t>(per_group);
    std::vector<float> ohwi(w.floats.size());
    for (std::size_t o = 0; o < out; ++o)
      for (std::size_t i = 0; i < in; ++i)
        for (std::size_t y = 0; y < kh; ++y)
          for (std::size_t x = 0; x < kw; ++x) ohwi[((o * kh + y) * kw + x) * in + i] = w.floats[((o * in + i) * kh + y) * kw + x];
    return ohwi;
  }

  /// Strides, dilations and padding of a Conv or MaxPool.
  template <typename Op>
  void SetWindow(const onnx::NodeProto& node, Op& op) {
    const auto kernel = IntsAttr(node, "kernel_shape", {op.kernel_h, op.kernel_w});
    const auto strides = IntsAttr(node, "strides", {1, 1});
    const auto pads = IntsAttr(node, "pads", {0, 0, 0, 0});
    if (kernel.size() != 2 || strides.size() != 2 || pads.size() != 4) Bad(Describe(node) + " is not 2-D");
    op.kernel_h = ToInt(kernel[0], node, 1);
    op.kernel_w = ToInt(kernel[1], node, 1);
    op.stride_h = ToInt(strides[0], node, 1);
    op.stride_w = ToInt(strides[1], node, 1);
    // ONNX orders pads as [top, left, bottom, right].
    op.padding = nn::Padding{ToInt(pads[0], node), ToInt(pads[1], node), ToInt(pads[2], node), ToInt(pads[3], node)};
    const std::string auto_pad = StringAttr(node, "auto_pad", "NOTSET");
    if (auto_pad == "SAME_UPPER") {
      op.padding = nn::Padding{0, 0, 0, 0, true};
    } else if (auto_pad == "VALID") {
      op.padding = nn::Padding{};
    } else if (auto_pad != "NOTSET") {
      Bad(Describe(node) + ": auto_pad " + auto_pad + " is not supported");
    }
    if constexpr (std::is_same_v<Op, nn::Conv2D>) {
      const auto dilations = IntsAttr(node, "dilations", {1, 1});
      if (dilations.size() != 2) Bad(Describe(node) + " is not 2-D");
      op.dilation_h = ToInt(dilations[0], node, 1);
      op.dilation_w = ToInt(dilations[1], node, 1);
    } else if (IntAttr(node, "ceil_mode", 0) != 0 || IntsAttr(node, "dilations", {1, 1}) != std::vector<std::int64_t>{1, 1}) {
      Bad(Describe(node) + ": ceil_mode and dilations are not supported");
    }
  }

  void AddActivation(const onnx::NodeProto& node) {
    const nn::ValueId input = SpatialInput(node, 0);
    const bool leaky = node.op_type() == "LeakyRelu";
    const nn::Activation activation = leaky ? nn::Activation::kLeakyRelu : nn::Activation::kRelu;
    const float alpha = leaky ? FloatAttr(node, "alpha", 0.01f) : 0.f;
    // Fused into the op before it when this activation is that op's only reader, and through a
    // channel Concat into each of its inputs (act(concat(a, b)) = concat(act(a), act(b))).
    if (CanAbsorbActivation(input)) {
      SetActivation(input, activation, alpha);
      return Define(node, Spatial{input});
    }
    const auto* concat = std::get_if<nn::Concat>(&result_.graph.nodes[static_cast<std::size_t>(input)].op);
    if (concat && OnlyReader(input) && std::ranges::all_of(concat->inputs, [&](nn::ValueId id) {
          return CanAbsorbActivation(id);
        })) {
      for (nn::ValueId id : concat->inputs) SetActivation(id, activation, alpha);
      return Define(node, Spatial{input});
    }
    AddNode(node, nn::Unary{input, activation, alpha});
  }

  /// True when value `id` is read by exactly one ONNX node (or graph output).
  bool OnlyReader(nn::ValueId id) const { return model_.Uses(tensor_of_[static_cast<std::size_t>(id)]) == 1; }

  bool CanAbsorbActivation(nn::ValueId id) const {
    const nn::Op& op = result_.graph.nodes[static_cast<std::size_t>(id)].op;
    const auto* conv = std::get_if<nn::Conv2D>(&op);
    const auto* add = std::get_if<nn::Add>(&op);
    return OnlyReader(id) && ((conv && conv->activation == nn::Activation::kNone) ||
                              (add && add->activation == nn::Activation::kNone));
  }

  void SetActivation(nn::ValueId id, nn::Activation activation, float alpha) {
    nn::Op& op = result_.graph.nodes[static_cast<std::size_t>(id)].op;
    std::visit(
        [&](auto& node) {
          if constexpr (requires { node.activation; }) {
            node.activation = activation;
            node.alpha = alpha;
          }
        },
        op);
  }

  void AddSum(const onnx::NodeProto& node) {
    nn::Add add{SpatialInput(node, 0), SpatialInput(node, 1)};
    AddNode(node, add);
  }

  void AddConcat(const onnx::NodeProto& node) {
    const std::int64_t axis = IntAttr(node, "axis", 0);
    const Value* first = Find(node.input(0));
    if (first && std::holds_alternative<Rows>(*first)) return ConcatRows(node, axis);
    if (axis != 1 && axis != -3) Bad(Describe(node) + " concatenates feature maps along axis " + std::to_string(axis));
    nn::Concat concat;
    for (int i = 0; i < node.input_size(); ++i) concat.inputs.push_back(SpatialInput(node, i));
    AddNode(node, std::move(concat));
  }

  void ConcatRows(const onnx::NodeProto& node, std::int64_t axis) {
    if (axis != 1 && axis != -2) Bad(Describe(node) + " concatenates head rows along axis " + std::to_string(axis));
    Rows rows;
    for (const auto& input : node.input()) {
      const Value* value = Find(input);
      const Rows* part = value ? std::get_if<Rows>(value) : nullptr;
      if (!part || part->softmax || (rows.row_size != 0 && part->row_size != rows.row_size)) {
        Bad(Describe(node) + ": input " + input + " is not head rows of the same length");
      }
      rows.row_size = part->row_size;
      rows.parts.insert(rows.parts.end(), part->parts.begin(), part->parts.end());
    }
    Define(node, std::move(rows));
  }

  void AddMaxPool(const onnx::NodeProto& node) {
    nn::MaxPool pool;
    pool.input = SpatialInput(node, 0);
    if (node.output_size() > 1 && !node.output(1).empty()) Bad(Describe(node) + ": pooling indices are not supported");
    SetWindow(node, pool);
    AddNode(node, pool);
  }

  void AddUpsample(const onnx::NodeProto& node) {
    const nn::ValueId input = SpatialInput(node, 0);
    if (StringAttr(node, "mode", "nearest") != "nearest") Bad(Describe(node) + ": only nearest resizing is supported");
    const std::string transform = StringAttr(node, "coordinate_transformation_mode", "half_pixel");
    const std::string rounding = StringAttr(node, "nearest_mode", "round_prefer_floor");
    const bool floor_asymmetric = transform == "asymmetric" && rounding == "floor";
    const bool rounded_half_pixel = (transform == "half_pixel" || transform == "pytorch_half_pixel") &&
                                    (rounding == "round_prefer_floor" || rounding == "round_prefer_ceil");
    // Both pick source pixel floor(x / factor) at integer factors: plain pixel replication. Resize-10
    // and Upsample have no such attributes and replicate too.
    if (node.op_type() == "Resize" && model_.opset() >= 11 && !floor_asymmetric && !rounded_half_pixel) {
      Bad(Describe(node) + ": coordinate mode " + transform + "/" + rounding + " is not supported");
    }
    const int factor = UpsampleFactor(node, input);
    result_.resize_factors[node.output(0)] = factor;
    AddNode(node, nn::UpsampleNearest{input, factor});
  }

  /// The factor of a nearest resize: from constant scales, or from a target size that is another
  /// feature map's height and width (checked to be an integer multiple at the nominal input).
  int UpsampleFactor(const onnx::NodeProto& node, nn::ValueId input) {
    const bool has_sizes = node.op_type() == "Resize" && node.input_size() >= 4 && !node.input(3).empty();
    const int scales_index = node.op_type() == "Upsample" || model_.opset() < 11 ? 1 : 2;
    if (!has_sizes && node.input_size() > scales_index && !node.input(scales_index).empty()) {
      const OnnxTensor scales = model_.Constant(node.input(scales_index));
      if (scales.floats.size() != 4 || scales.floats[0] != 1 || scales.floats[1] != 1 ||
          scales.floats[2] != scales.floats[3] || scales.floats[2] < 1 || scales.floats[2] > 64 ||
          scales.floats[2] != static_cast<float>(static_cast<int>(scales.floats[2]))) {
        Bad(Describe(node) + ": scales must be [1, 1, k, k] with an integer k");
      }
      return static_cast<int>(scales.floats[2]);
    }
    if (!has_sizes) Bad(Describe(node) + " has neither scales nor sizes");
    const std::vector<SymbolicDim> sizes = EvaluateShapeTensor(model_, node.input(3));
    if (sizes.size() != 4 || sizes[2].IsConstant() || sizes[2].tensor != sizes[3].tensor || sizes[2].axis != 2 ||
        sizes[3].axis != 3) {
      Bad(Describe(node) + ": the target size is not another feature map's height and width");
    }
    const Value* target = Find(sizes[2].tensor);
    if (!target || !std::holds_alternative<Spatial>(*target)) Bad(Describe(node) + ": unknown target feature map");
    const nn::Shape from = NominalShape(input), to = NominalShape(std::get<Spatial>(*target).id);
    const int factor = to.height / from.height;
    if (factor < 1 || to.height != factor * from.height || to.width != factor * from.width) {
      Bad(Describe(node) + ": the target is not an integer multiple of the input");
    }
    return factor;
  }

  void AddTranspose(const onnx::NodeProto& node) {
    if (IntsAttr(node, "perm") != std::vector<std::int64_t>{0, 2, 3, 1}) {
      Bad(Describe(node) + ": only NCHW -> NHWC transposes (perm 0,2,3,1) of head outputs are supported");
    }
    Define(node, NhwcView{SpatialInput(node, 0)});
  }

  /// Reshape(NHWC head map, [N, -1, k]) -> rows of k values.
  void AddHeadReshape(const onnx::NodeProto& node) {
    const Value* value = node.input_size() == 2 ? Find(node.input(0)) : nullptr;
    const NhwcView* view = value ? std::get_if<NhwcView>(value) : nullptr;
    if (!view) Bad(Describe(node) + ": only reshapes of NHWC head maps to [N, -1, k] are supported");
    const std::vector<SymbolicDim> shape = EvaluateShapeTensor(model_, node.input(1));
    const bool batch_ok = shape.size() == 3 && (shape[0].IsConstant() ? shape[0].value == 0 || shape[0].value == 1
                                                                       : shape[0].axis == 0);
    if (!batch_ok || !shape[1].IsConstant() || shape[1].value != -1 || !shape[2].IsConstant() ||
        shape[2].value < 1 || shape[2].value > 4096) {
      Bad(Describe(node) + ": the target shape is not [N, -1, k]");
    }
    const int row_size = static_cast<int>(shape[2].value);
    if (NominalShape(view->id).channels % row_size != 0) Bad(Describe(node) + ": channels are not a multiple of k");
    result_.reshape_rows[node.output(0)] = row_size;
    Define(node, Rows{{view->id}, row_size, false});
  }

  void AddSoftmax(const onnx::NodeProto& node) {
    const Value* value = node.input_size() == 1 ? Find(node.input(0)) : nullptr;
    const Rows* rows = value ? std::get_if<Rows>(value) : nullptr;
    const std::int64_t axis = IntAttr(node, "axis", model_.opset() >= 13 ? -1 : 1);
    if (!rows || rows->softmax || (axis != 2 && axis != -1)) {
      Bad(Describe(node) + ": only a softmax over each head row is supported");
    }
    Rows out = *rows;
    out.softmax = true;
    Define(node, std::move(out));
  }

  void AddOutput(const std::string& name) {
    const Value* value = Find(name);
    if (!value) Bad("graph output " + name + " is not computed by a supported op");
    OnnxOutput output{name, {}, 0, false};
    auto add_part = [&](nn::ValueId id) {
      output.parts.push_back(result_.graph.outputs.size());
      result_.graph.outputs.push_back(id);
    };
    if (const Rows* rows = std::get_if<Rows>(value)) {
      for (nn::ValueId id : rows->parts) add_part(id);
      output.row_size = rows->row_size;
      output.softmax = rows->softmax;
    } else {
      const nn::ValueId id = std::holds_alternative<Spatial>(*value) ? std::get<Spatial>(*value).id
                                                                      : std::get<NhwcView>(*value).id;
      add_part(id);
      output.row_size = NominalShape(id).channels;
    }
    result_.outputs.push_back(std::move(output));
  }

  const OnnxModel& model_;
  ImportedOnnx result_;
  std::unordered_map<std::string, Value> values_;
  /// The ONNX tensor each nn value computes, by ValueId.
  std::vector<std::string> tensor_of_;
};

}  // namespace

ImportedOnnx ImportOnnx(const OnnxModel& model) { return OnnxImporter(model).Run(); }

}  // namespace faceloop::detect
