#pragma once
// A tiny detector in the shape of a PyTorch RetinaFace export, for the ONNX importer tests: two
// pyramid levels, an FPN whose upsampling target size is computed at run time (Shape -> Gather ->
// Unsqueeze -> Concat -> Cast -> Resize), weights copied through an Identity, an SSH-style Concat ->
// Relu, and heads Conv -> Transpose -> Reshape([N, -1, k] computed from Shape) -> Concat -> Softmax.
#include <string>

#include "detect/import/onnx_builder.hpp"

namespace faceloop::detect::testing {

inline void AddHead(OnnxBuilder& b, const std::string& name, const std::string& features, int row_size) {
  constexpr int kAnchors = 2;
  b.Conv(name, features, 4, kAnchors * row_size, 1, 1);
  auto& transpose = b.Node("Transpose", name + "/nhwc", {name});
  OnnxBuilder::IntsAttr(transpose, "perm", {0, 2, 3, 1});
  b.Node("Shape", name + "/shape", {name + "/nhwc"});
  b.Ints(name + "/zero", {0}, true);
  b.Node("Gather", name + "/batch", {name + "/shape", name + "/zero"});
  auto& unsqueeze = b.Node("Unsqueeze", name + "/batch1", {name + "/batch"});
  OnnxBuilder::IntsAttr(unsqueeze, "axes", {0});
  b.Ints(name + "/minus1", {-1});
  b.Ints(name + "/k", {row_size});
  auto& concat = b.Node("Concat", name + "/target", {name + "/batch1", name + "/minus1", name + "/k"});
  OnnxBuilder::IntAttr(concat, "axis", 0);
  b.Node("Reshape", name + "/rows", {name + "/nhwc", name + "/target"});
}

/// Resize(`input`) to the height and width of `like`, the way PyTorch exports F.interpolate(size=...).
inline void AddResizeLike(OnnxBuilder& b, const std::string& name, const std::string& input, const std::string& like) {
  b.Node("Shape", name + "/like_shape", {like});
  b.Ints(name + "/two", {2}, true);
  b.Ints(name + "/three", {3}, true);
  b.Node("Gather", name + "/h", {name + "/like_shape", name + "/two"});
  b.Node("Gather", name + "/w", {name + "/like_shape", name + "/three"});
  OnnxBuilder::IntsAttr(b.Node("Unsqueeze", name + "/h1", {name + "/h"}), "axes", {0});
  OnnxBuilder::IntsAttr(b.Node("Unsqueeze", name + "/w1", {name + "/w"}), "axes", {0});
  OnnxBuilder::IntAttr(b.Node("Concat", name + "/hw", {name + "/h1", name + "/w1"}), "axis", 0);
  b.Node("Shape", name + "/in_shape", {input});
  b.Ints(name + "/start", {0});
  b.Ints(name + "/end", {2});
  b.Ints(name + "/axes", {0});
  b.Node("Slice", name + "/nc", {name + "/in_shape", name + "/start", name + "/end", name + "/axes"});
  OnnxBuilder::IntAttr(b.Node("Cast", name + "/hw64", {name + "/hw"}), "to", 7);
  OnnxBuilder::IntAttr(b.Node("Concat", name + "/size", {name + "/nc", name + "/hw64"}), "axis", 0);
  auto* roi = b.Node("Constant", name + "/roi", {}).add_attribute();
  roi->set_name("value");
  roi->set_type(onnx::AttributeProto::TENSOR);
  roi->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
  roi->mutable_t()->add_dims(0);
  b.Floats(name + "/scales", {0}, {});
  auto& resize = b.Node("Resize", name, {input, name + "/roi", name + "/scales", name + "/size"});
  OnnxBuilder::StringAttr(resize, "mode", "nearest");
  OnnxBuilder::StringAttr(resize, "coordinate_transformation_mode", "asymmetric");
  OnnxBuilder::StringAttr(resize, "nearest_mode", "floor");
}

/// Input 3 channels; level 0 at stride 2, level 1 at stride 4; outputs loc (k 4) and conf (k 2,
/// softmax), 2 anchors per cell. Runs at every height and width that are multiples of 4.
inline OnnxBuilder TinyDetector() {
  OnnxBuilder b;
  b.Input("input", 3);
  // The exporter's weight sharing: the conv reads a copy of its weights through an Identity.
  b.Node("Identity", "c1/w_copy", {"c1/w"});
  b.Conv("c1", "input", 3, 8, 3, 2).set_input(1, "c1/w_copy");
  OnnxBuilder::FloatAttr(b.Node("LeakyRelu", "l1", {"c1"}), "alpha", 0.1f);
  b.Conv("c2", "l1", 8, 8, 3, 1, 8);
  b.Node("Relu", "r2", {"c2"});
  auto& pool = b.Node("MaxPool", "p2", {"r2"});
  OnnxBuilder::IntsAttr(pool, "kernel_shape", {2, 2});
  OnnxBuilder::IntsAttr(pool, "strides", {2, 2});
  b.Conv("lat1", "l1", 8, 4, 1, 1);
  OnnxBuilder::FloatAttr(b.Node("LeakyRelu", "lat1a", {"lat1"}), "alpha", 0.1f);
  b.Conv("lat2", "p2", 8, 4, 1, 1);
  OnnxBuilder::FloatAttr(b.Node("LeakyRelu", "lat2a", {"lat2"}), "alpha", 0.1f);
  AddResizeLike(b, "up", "lat2a", "lat1a");
  b.Node("Add", "sum", {"lat1a", "up"});
  b.Conv("m1", "sum", 4, 2, 3, 1);
  b.Conv("m2", "sum", 4, 2, 3, 1);
  OnnxBuilder::IntAttr(b.Node("Concat", "cat", {"m1", "m2"}), "axis", 1);
  b.Node("Relu", "feat", {"cat"});
  AddHead(b, "conf0", "feat", 2);
  AddHead(b, "conf1", "lat2a", 2);
  AddHead(b, "loc0", "feat", 4);
  AddHead(b, "loc1", "lat2a", 4);
  OnnxBuilder::IntAttr(b.Node("Concat", "conf_rows", {"conf0/rows", "conf1/rows"}), "axis", 1);
  OnnxBuilder::IntAttr(b.Node("Softmax", "conf", {"conf_rows"}), "axis", 2);
  OnnxBuilder::IntAttr(b.Node("Concat", "loc", {"loc0/rows", "loc1/rows"}), "axis", 1);
  b.Output("loc");
  b.Output("conf");
  return b;
}

}  // namespace faceloop::detect::testing
