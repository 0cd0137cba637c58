#pragma once
// ONNX model files (protobuf, read with Debian's libonnx): parsing with a size limit and typed,
// checked access to the constant tensors and attributes the importers need. A model file is input
// we did not write: every accessor validates sizes and types and throws faceloop::Error instead of
// trusting the file.
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <onnx/onnx_pb.h>

namespace faceloop::detect {

/// A constant tensor's values, converted to the type the importer wants.
struct OnnxTensor {
  std::vector<std::int64_t> dims;
  std::vector<float> floats;       // FLOAT tensors
  std::vector<std::int64_t> ints;  // INT64 / INT32 tensors
  std::size_t Elements() const;
};

class OnnxModel {
 public:
  OnnxModel() = default;
  ~OnnxModel() = default;
  /// The indexes point into the protobuf, which lives on the heap so that a move keeps them valid.
  OnnxModel(OnnxModel&&) noexcept = default;
  OnnxModel& operator=(OnnxModel&&) = delete;
  OnnxModel(const OnnxModel&) = delete;
  OnnxModel& operator=(const OnnxModel&) = delete;

  /// Throws Error(kInternal) for bytes that are not a well-formed ONNX model of a supported
  /// opset (the default domain only), or that exceed `max_bytes`.
  static OnnxModel Parse(std::span<const std::uint8_t> bytes, std::size_t max_bytes = kMaxBytes);
  static OnnxModel Load(const std::string& path);

  const onnx::ModelProto& proto() const { return *proto_; }
  const onnx::GraphProto& graph() const { return proto_->graph(); }
  std::int64_t opset() const { return opset_; }

  /// The value `name` is a copy of, through any Identity nodes (itself when there are none).
  std::string SkipIdentities(const std::string& name) const;
  /// True when `name` is an initializer or the output of a Constant node, or a copy of one.
  bool IsConstant(const std::string& name) const;
  /// The constant named `name`; throws Error(kInternal) when there is none or it is unreadable.
  OnnxTensor Constant(const std::string& name) const;
  /// The node that produces `name`, or nullptr for graph inputs and initializers.
  const onnx::NodeProto* Producer(const std::string& name) const;
  /// How many node inputs and graph outputs read `name`.
  int Uses(const std::string& name) const;

  static constexpr std::size_t kMaxBytes = 64u << 20;

 private:
  void Index();

  std::unique_ptr<onnx::ModelProto> proto_ = std::make_unique<onnx::ModelProto>();
  std::int64_t opset_ = 0;
  std::unordered_map<std::string, const onnx::TensorProto*> initializers_;
  std::unordered_map<std::string, const onnx::NodeProto*> producers_;
  std::unordered_map<std::string, int> uses_;
};

/// Values of a TensorProto (raw_data or the typed repeated fields); throws Error(kInternal) for
/// unsupported types, external data, or a size that disagrees with the dims.
OnnxTensor ReadTensor(const onnx::TensorProto& tensor);

/// Attribute accessors: the attribute's value, or `fallback` when the node does not have it.
std::int64_t IntAttr(const onnx::NodeProto& node, const std::string& name, std::int64_t fallback);
float FloatAttr(const onnx::NodeProto& node, const std::string& name, float fallback);
std::string StringAttr(const onnx::NodeProto& node, const std::string& name, const std::string& fallback);
std::vector<std::int64_t> IntsAttr(const onnx::NodeProto& node, const std::string& name,
                                   std::vector<std::int64_t> fallback = {});

/// "op 'name'" for error messages.
std::string Describe(const onnx::NodeProto& node);

}  // namespace faceloop::detect
