#pragma once
// Builds small ONNX models in tests with libonnx's protobuf classes, so the importer tests need no
// binary fixtures.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace faceloop::detect::testing {

class OnnxBuilder {
 public:
  explicit OnnxBuilder(int opset = 11) {
    model_.set_ir_version(6);
    model_.set_producer_name("faceloop-test");
    model_.add_opset_import()->set_version(opset);
    graph_ = model_.mutable_graph();
    graph_->set_name("test");
  }

  /// An NCHW float input with a fixed channel count and free batch, height and width.
  void Input(const std::string& name, int channels) {
    auto* input = graph_->add_input();
    input->set_name(name);
    auto* type = input->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto::FLOAT);
    auto* shape = type->mutable_shape();
    shape->add_dim()->set_dim_param("batch");
    shape->add_dim()->set_dim_value(channels);
    shape->add_dim()->set_dim_param("height");
    shape->add_dim()->set_dim_param("width");
  }

  /// A float output of `rank` free dimensions (OpenCV's importer wants a type and a shape).
  void Output(const std::string& name, int rank = 3) {
    auto* output = graph_->add_output();
    output->set_name(name);
    auto* type = output->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto::FLOAT);
    for (int i = 0; i < rank; ++i) type->mutable_shape()->add_dim()->set_dim_param(name + std::to_string(i));
  }

  void Floats(const std::string& name, const std::vector<std::int64_t>& dims, const std::vector<float>& values) {
    auto* tensor = graph_->add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(onnx::TensorProto::FLOAT);
    for (auto dim : dims) tensor->add_dims(dim);
    tensor->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
  }

  void Ints(const std::string& name, const std::vector<std::int64_t>& values, bool scalar = false) {
    auto* tensor = graph_->add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(onnx::TensorProto::INT64);
    if (!scalar) tensor->add_dims(static_cast<std::int64_t>(values.size()));
    for (auto value : values) tensor->add_int64_data(value);
  }

  /// Deterministic pseudo-random weights in [-scale, scale].
  static std::vector<float> Pattern(std::size_t count, float seed, float scale = 0.5f) {
    std::vector<float> values(count);
    for (std::size_t i = 0; i < count; ++i) values[i] = scale * std::sin(static_cast<float>(i) * 0.731f + seed);
    return values;
  }

  /// A Conv with pattern weights (and bias) named name/w, name/b.
  onnx::NodeProto& Conv(const std::string& name, const std::string& input, int in, int out, int kernel, int stride,
                        int group = 1) {
    const std::vector<std::int64_t> dims{out, in / group, kernel, kernel};
    Floats(name + "/w", dims, Pattern(static_cast<std::size_t>(out * (in / group) * kernel * kernel), seed_ += 1.f));
    Floats(name + "/b", {out}, Pattern(static_cast<std::size_t>(out), seed_ += 1.f, 0.1f));
    auto& node = Node("Conv", name, {input, name + "/w", name + "/b"});
    IntsAttr(node, "kernel_shape", {kernel, kernel});
    IntsAttr(node, "strides", {stride, stride});
    const int pad = kernel / 2;
    IntsAttr(node, "pads", {pad, pad, pad, pad});
    IntAttr(node, "group", group);
    return node;
  }

  /// A node whose single output is named after it.
  onnx::NodeProto& Node(const std::string& op, const std::string& name, const std::vector<std::string>& inputs) {
    auto* node = graph_->add_node();
    node->set_op_type(op);
    node->set_name(name);
    for (const auto& input : inputs) node->add_input(input);
    node->add_output(name);
    return *node;
  }

  static void IntAttr(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
    auto* attr = node.add_attribute();
    attr->set_name(name);
    attr->set_type(onnx::AttributeProto::INT);
    attr->set_i(value);
  }
  static void FloatAttr(onnx::NodeProto& node, const std::string& name, float value) {
    auto* attr = node.add_attribute();
    attr->set_name(name);
    attr->set_type(onnx::AttributeProto::FLOAT);
    attr->set_f(value);
  }
  static void StringAttr(onnx::NodeProto& node, const std::string& name, const std::string& value) {
    auto* attr = node.add_attribute();
    attr->set_name(name);
    attr->set_type(onnx::AttributeProto::STRING);
    attr->set_s(value);
  }
  static void IntsAttr(onnx::NodeProto& node, const std::string& name, const std::vector<std::int64_t>& values) {
    auto* attr = node.add_attribute();
    attr->set_name(name);
    attr->set_type(onnx::AttributeProto::INTS);
    for (auto value : values) attr->add_ints(value);
  }

  std::vector<std::uint8_t> Bytes() const {
    const std::string bytes = model_.SerializeAsString();
    return {bytes.begin(), bytes.end()};
  }
  onnx::ModelProto& model() { return model_; }

 private:
  onnx::ModelProto model_;
  onnx::GraphProto* graph_;
  float seed_ = 0.f;
};

}  // namespace faceloop::detect::testing
