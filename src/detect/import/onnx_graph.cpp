#include "detect/import/onnx_graph.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <variant>

#include "common/error.hpp"
#include "detect/import/onnx_model.hpp"
#include "detect/import/onnx_ops.hpp"
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

  /// Translate() has checked that every node it translates has an output.
  void Define(const onnx::NodeProto& node, Value value) { values_[node.output(0)] = std::move(value); }

  /// Shapes at the nominal input, recomputed only when the graph has grown since the last call.
  nn::Shape NominalShape(nn::ValueId id) {
    if (nominal_.size() != result_.graph.nodes.size()) {
      nominal_ = nn::InferShapes(result_.graph, kOnnxNominalInput, kOnnxNominalInput);
    }
    return nominal_[static_cast<std::size_t>(id)];
  }

  void Translate(const onnx::NodeProto& node) {
    const std::string& op = node.op_type();
    if (op == "Identity") return;  // readers look through it (SkipIdentities)
    if (kShapeOps.contains(op) || (op == "Concat" && !ReadsData(node))) return;
    if (node.output_size() < 1 || node.output(0).empty()) Bad(Describe(node) + " has no output");
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
    return std::any_of(node.input().begin(), node.input().end(),
                       [this](const std::string& input) { return Find(input) != nullptr; });
  }

  void AddConv(const onnx::NodeProto& node) {
    const nn::ValueId input = SpatialInput(node, 0);
    if (node.input_size() < 2) Bad(Describe(node) + " has no weights");
    std::vector<float> bias;
    if (node.input_size() > 2 && !node.input(2).empty()) bias = model_.Constant(node.input(2)).floats;
    nn::Conv2D conv = ConvFromOnnx(node, model_.Constant(node.input(1)), std::move(bias));
    conv.input = input;
    AddNode(node, std::move(conv));
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
    if (concat && OnlyReader(input) &&
        std::ranges::all_of(concat->inputs, [&](nn::ValueId id) { return CanAbsorbActivation(id); })) {
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
    return OnlyReader(id) && (((conv != nullptr) && conv->activation == nn::Activation::kNone) ||
                              ((add != nullptr) && add->activation == nn::Activation::kNone));
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
    std::int64_t channels = 0;
    for (int i = 0; i < node.input_size(); ++i) {
      concat.inputs.push_back(SpatialInput(node, i));
      channels += NominalShape(concat.inputs.back()).channels;
      if (channels > kOnnxMaxChannels) Bad(Describe(node) + " has too many channels");
    }
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
    nn::MaxPool pool = MaxPoolFromOnnx(node);
    pool.input = SpatialInput(node, 0);
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
    const nn::Shape from = NominalShape(input);
    if (from.height > kOnnxMaxNominalSide / factor || from.width > kOnnxMaxNominalSide / factor) {
      Bad(Describe(node) + " upsamples to an absurd size");
    }
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
          scales.floats[2] != scales.floats[3] || scales.floats[2] < 1 || scales.floats[2] > kOnnxMaxWindow ||
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
    if (factor < 1 || factor > kOnnxMaxWindow || to.height != factor * from.height || to.width != factor * from.width) {
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
    const bool batch_ok =
        shape.size() == 3 && (shape[0].IsConstant() ? shape[0].value == 0 || shape[0].value == 1 : shape[0].axis == 0);
    if (!batch_ok || !shape[1].IsConstant() || shape[1].value != -1 || !shape[2].IsConstant() || shape[2].value < 1 ||
        shape[2].value > 4096) {
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
      const nn::ValueId id =
          std::holds_alternative<Spatial>(*value) ? std::get<Spatial>(*value).id : std::get<NhwcView>(*value).id;
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
  std::vector<nn::Shape> nominal_;
};

}  // namespace

ImportedOnnx ImportOnnx(const OnnxModel& model) { return OnnxImporter(model).Run(); }

}  // namespace faceloop::detect
