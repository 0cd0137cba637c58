#include "detect/import/onnx_opencv.hpp"

#include <set>

#include "common/error.hpp"

namespace faceloop::detect {
namespace {

void AddFloatInitializer(onnx::GraphProto& graph, const std::string& name, const std::vector<float>& values) {
  onnx::TensorProto* tensor = graph.add_initializer();
  tensor->set_name(name);
  tensor->set_data_type(onnx::TensorProto::FLOAT);
  tensor->add_dims(static_cast<std::int64_t>(values.size()));
  for (float value : values) tensor->add_float_data(value);
}

void AddIntInitializer(onnx::GraphProto& graph, const std::string& name, const std::vector<std::int64_t>& values) {
  onnx::TensorProto* tensor = graph.add_initializer();
  tensor->set_name(name);
  tensor->set_data_type(onnx::TensorProto::INT64);
  tensor->add_dims(static_cast<std::int64_t>(values.size()));
  for (std::int64_t value : values) tensor->add_int64_data(value);
}

/// Every reader of an Identity's output reads its source instead.
void BypassIdentities(const OnnxModel& model, onnx::GraphProto& graph) {
  for (auto& node : *graph.mutable_node()) {
    for (auto& input : *node.mutable_input()) input = model.SkipIdentities(input);
  }
  for (auto& output : *graph.mutable_output()) output.set_name(model.SkipIdentities(output.name()));
}

/// Resize(X, roi, scales, sizes computed at run time) -> Resize(X, roi, constant scales).
void FixResize(onnx::GraphProto& graph, onnx::NodeProto& node, int factor) {
  const float k = static_cast<float>(factor);
  const std::string roi = node.output(0) + "/faceloop_roi", scales = node.output(0) + "/faceloop_scales";
  AddFloatInitializer(graph, roi, {});
  AddFloatInitializer(graph, scales, {1.f, 1.f, k, k});
  const std::string input = node.input(0);
  node.clear_input();
  node.add_input(input);
  node.add_input(roi);
  node.add_input(scales);
}

void FixReshape(onnx::GraphProto& graph, onnx::NodeProto& node, int row_size) {
  const std::string shape = node.output(0) + "/faceloop_shape";
  AddIntInitializer(graph, shape, {0, -1, row_size});
  node.set_input(1, shape);
}

/// Keeps only the nodes that graph outputs depend on (the shape plumbing is unused after the fixes).
void DropDeadNodes(onnx::GraphProto& graph) {
  std::set<std::string> live;
  for (const auto& output : graph.output()) live.insert(output.name());
  std::vector<bool> keep(static_cast<std::size_t>(graph.node_size()), false);
  for (int i = graph.node_size() - 1; i >= 0; --i) {  // nodes are topologically sorted
    const auto& node = graph.node(i);
    for (const auto& output : node.output()) {
      keep[static_cast<std::size_t>(i)] = keep[static_cast<std::size_t>(i)] || live.contains(output);
    }
    if (!keep[static_cast<std::size_t>(i)]) continue;
    for (const auto& input : node.input()) live.insert(input);
  }
  onnx::GraphProto kept_nodes;
  for (int i = 0; i < graph.node_size(); ++i) {
    if (keep[static_cast<std::size_t>(i)]) *kept_nodes.add_node() = graph.node(i);
  }
  graph.mutable_node()->Swap(kept_nodes.mutable_node());
}

}  // namespace

std::string RewriteForOpenCv(const OnnxModel& model, const ImportedOnnx& analysis) {
  onnx::ModelProto proto = model.proto();
  onnx::GraphProto& graph = *proto.mutable_graph();
  BypassIdentities(model, graph);
  for (auto& node : *graph.mutable_node()) {
    if (node.output_size() == 0) continue;
    const bool computed_size = node.input_size() >= 4 && !node.input(3).empty();
    if (node.op_type() == "Resize" && computed_size) {
      const auto factor = analysis.resize_factors.find(node.output(0));
      if (factor == analysis.resize_factors.end()) {
        throw Error(ErrorCode::kInternal, "ONNX rewrite: no factor known for Resize '" + node.name() + "'");
      }
      FixResize(graph, node, factor->second);
    } else if (node.op_type() == "Reshape") {
      const auto rows = analysis.reshape_rows.find(node.output(0));
      if (rows != analysis.reshape_rows.end()) FixReshape(graph, node, rows->second);
    }
  }
  DropDeadNodes(graph);
  std::string bytes;
  if (!proto.SerializeToString(&bytes)) throw Error(ErrorCode::kInternal, "ONNX rewrite: cannot serialize the model");
  return bytes;
}

}  // namespace faceloop::detect
