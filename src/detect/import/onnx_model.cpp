#include "detect/import/onnx_model.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

#include "common/error.hpp"

namespace faceloop::detect {
namespace {

// No tensor of a detector comes near this; it bounds what a hostile file can make us allocate.
constexpr std::size_t kMaxElements = std::size_t{1} << 26;

[[noreturn]] void Bad(const std::string& message) { throw Error(ErrorCode::kInternal, "ONNX model: " + message); }

std::size_t ElementCount(const std::vector<std::int64_t>& dims) {
  std::size_t count = 1;
  for (std::int64_t dim : dims) {
    if (dim < 0 || static_cast<std::uint64_t>(dim) > kMaxElements) Bad("tensor dimension out of range");
    count *= static_cast<std::size_t>(dim);
    if (count > kMaxElements) Bad("tensor too large");
  }
  return count;
}

template <typename Raw, typename Out>
std::vector<Out> FromRaw(const std::string& raw, std::size_t count) {
  if (raw.size() != count * sizeof(Raw)) Bad("raw_data size disagrees with the tensor's dims");
  std::vector<Out> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    Raw value;
    std::memcpy(&value, raw.data() + i * sizeof(Raw), sizeof(Raw));
    out[i] = static_cast<Out>(value);
  }
  return out;
}

template <typename Field, typename Out>
std::vector<Out> FromField(const Field& field, std::size_t count) {
  if (static_cast<std::size_t>(field.size()) != count) Bad("typed data size disagrees with the tensor's dims");
  return std::vector<Out>(field.begin(), field.end());
}

const onnx::AttributeProto* FindAttr(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& attr : node.attribute()) {
    if (attr.name() == name) return &attr;
  }
  return nullptr;
}

/// The tensor a Constant node holds, whichever of its value attributes is set.
OnnxTensor ConstantNodeValue(const onnx::NodeProto& node) {
  if (const auto* attr = FindAttr(node, "value"); attr && attr->has_t()) return ReadTensor(attr->t());
  OnnxTensor tensor;
  if (const auto* attr = FindAttr(node, "value_int")) {
    tensor.ints = {attr->i()};
  } else if (const auto* attr = FindAttr(node, "value_ints")) {
    tensor.ints.assign(attr->ints().begin(), attr->ints().end());
    tensor.dims = {static_cast<std::int64_t>(tensor.ints.size())};
  } else if (const auto* attr = FindAttr(node, "value_float")) {
    tensor.floats = {attr->f()};
  } else if (const auto* attr = FindAttr(node, "value_floats")) {
    tensor.floats.assign(attr->floats().begin(), attr->floats().end());
    tensor.dims = {static_cast<std::int64_t>(tensor.floats.size())};
  } else {
    Bad(Describe(node) + " has no value this importer reads");
  }
  return tensor;
}

}  // namespace

std::size_t OnnxTensor::Elements() const { return floats.empty() ? ints.size() : floats.size(); }

OnnxTensor ReadTensor(const onnx::TensorProto& tensor) {
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) Bad("tensor " + tensor.name() + " uses external data");
  OnnxTensor out;
  out.dims.assign(tensor.dims().begin(), tensor.dims().end());
  const std::size_t count = ElementCount(out.dims);
  const bool raw = tensor.has_raw_data();
  switch (tensor.data_type()) {
    case onnx::TensorProto::FLOAT:
      out.floats = raw ? FromRaw<float, float>(tensor.raw_data(), count)
                       : FromField<decltype(tensor.float_data()), float>(tensor.float_data(), count);
      break;
    case onnx::TensorProto::INT64:
      out.ints = raw ? FromRaw<std::int64_t, std::int64_t>(tensor.raw_data(), count)
                     : FromField<decltype(tensor.int64_data()), std::int64_t>(tensor.int64_data(), count);
      break;
    case onnx::TensorProto::INT32:
      out.ints = raw ? FromRaw<std::int32_t, std::int64_t>(tensor.raw_data(), count)
                     : FromField<decltype(tensor.int32_data()), std::int64_t>(tensor.int32_data(), count);
      break;
    default: Bad("tensor " + tensor.name() + " has unsupported data type " + std::to_string(tensor.data_type()));
  }
  return out;
}

OnnxModel OnnxModel::Parse(std::span<const std::uint8_t> bytes, std::size_t max_bytes) {
  if (bytes.size() > max_bytes || bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    Bad("file larger than " + std::to_string(max_bytes) + " bytes");
  }
  OnnxModel model;
  if (!model.proto_->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) Bad("not a protobuf ModelProto");
  for (const auto& opset : model.proto_->opset_import()) {
    if (opset.domain().empty() || opset.domain() == "ai.onnx") model.opset_ = opset.version();
  }
  if (model.opset_ < 7 || model.opset_ > 18) Bad("unsupported opset " + std::to_string(model.opset_));
  model.Index();
  return model;
}

OnnxModel OnnxModel::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kNotFound, "cannot open ONNX model " + path);
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return Parse(bytes);
}

void OnnxModel::Index() {
  initializers_.clear();
  producers_.clear();
  uses_.clear();
  for (const auto& tensor : graph().initializer()) initializers_[tensor.name()] = &tensor;
  for (const auto& node : graph().node()) {
    if (!node.domain().empty() && node.domain() != "ai.onnx") Bad(Describe(node) + " is from domain " + node.domain());
    for (const auto& output : node.output()) {
      if (!producers_.emplace(output, &node).second) Bad("value " + output + " is produced twice");
    }
    for (const auto& input : node.input()) ++uses_[input];
  }
  for (const auto& output : graph().output()) ++uses_[output.name()];
}

std::string OnnxModel::SkipIdentities(const std::string& name) const {
  std::string source = name;
  // PyTorch exports copy shared weights through Identity nodes; a bounded walk also stops cycles.
  for (int hops = 0; hops < 16; ++hops) {
    const onnx::NodeProto* node = Producer(source);
    if (!node || node->op_type() != "Identity" || node->input_size() != 1) return source;
    source = node->input(0);
  }
  Bad("value " + name + " is copied through too many Identity nodes");
}

bool OnnxModel::IsConstant(const std::string& name) const {
  const std::string source = SkipIdentities(name);
  if (initializers_.contains(source)) return true;
  const onnx::NodeProto* node = Producer(source);
  return (node != nullptr) && node->op_type() == "Constant";
}

OnnxTensor OnnxModel::Constant(const std::string& name) const {
  const std::string source = SkipIdentities(name);
  if (const auto it = initializers_.find(source); it != initializers_.end()) return ReadTensor(*it->second);
  const onnx::NodeProto* node = Producer(source);
  if (!node || node->op_type() != "Constant") Bad("value " + name + " is not a constant");
  return ConstantNodeValue(*node);
}

const onnx::NodeProto* OnnxModel::Producer(const std::string& name) const {
  const auto it = producers_.find(name);
  return it == producers_.end() ? nullptr : it->second;
}

int OnnxModel::Uses(const std::string& name) const {
  const auto it = uses_.find(name);
  return it == uses_.end() ? 0 : it->second;
}

std::int64_t IntAttr(const onnx::NodeProto& node, const std::string& name, std::int64_t fallback) {
  const auto* attr = FindAttr(node, name);
  return attr ? attr->i() : fallback;
}

float FloatAttr(const onnx::NodeProto& node, const std::string& name, float fallback) {
  const auto* attr = FindAttr(node, name);
  return attr ? attr->f() : fallback;
}

std::string StringAttr(const onnx::NodeProto& node, const std::string& name, const std::string& fallback) {
  const auto* attr = FindAttr(node, name);
  return attr ? attr->s() : fallback;
}

std::vector<std::int64_t> IntsAttr(const onnx::NodeProto& node, const std::string& name,
                                   std::vector<std::int64_t> fallback) {
  const auto* attr = FindAttr(node, name);
  if (!attr) return fallback;
  return {attr->ints().begin(), attr->ints().end()};
}

std::string Describe(const onnx::NodeProto& node) { return node.op_type() + " '" + node.name() + "'"; }

}  // namespace faceloop::detect
