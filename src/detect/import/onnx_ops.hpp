#pragma once
// Single ONNX ops -> nn::Graph ops (attributes, weight layout), with the bounds that keep sizes read
// from a file within what shape arithmetic can hold. Used by the importer (onnx_graph.cpp).
#include <vector>

#include "detect/import/onnx_model.hpp"
#include "detect/runtime/graph.hpp"

namespace faceloop::detect {

// Far beyond any real detector, low enough that nn::InferShapes (int arithmetic) cannot overflow.
inline constexpr int kOnnxMaxWindow = 64;  // kernel, stride, dilation, upsampling factor
inline constexpr int kOnnxMaxPadding = 1024;
inline constexpr int kOnnxMaxChannels = 1 << 16;
inline constexpr int kOnnxMaxNominalSide = 1 << 16;  // any feature map at the importer's nominal input

/// A Conv (weights OIHW -> OHWI, groups, strides, dilations, pads, auto_pad); the input id is the
/// caller's. Throws Error(kInternal) naming the node for anything out of bounds or unsupported.
nn::Conv2D ConvFromOnnx(const onnx::NodeProto& node, const OnnxTensor& weights, std::vector<float> bias);

/// A MaxPool without ceil_mode, dilations or index output; the input id is the caller's.
nn::MaxPool MaxPoolFromOnnx(const onnx::NodeProto& node);

}  // namespace faceloop::detect
