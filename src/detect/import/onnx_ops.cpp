#include "detect/import/onnx_ops.hpp"

#include <type_traits>

#include "common/error.hpp"

namespace faceloop::detect {
namespace {

[[noreturn]] void Bad(const std::string& message) { throw Error(ErrorCode::kInternal, "ONNX import: " + message); }

int ToInt(std::int64_t value, const onnx::NodeProto& node, std::int64_t min, std::int64_t max) {
  if (value < min || value > max) Bad(Describe(node) + " has an out-of-range size or attribute");
  return static_cast<int>(value);
}

std::vector<float> OihwToOhwi(const OnnxTensor& w, int per_group) {
  const auto out = static_cast<std::size_t>(w.dims[0]);
  const auto kh = static_cast<std::size_t>(w.dims[2]), kw = static_cast<std::size_t>(w.dims[3]);
  const auto in = static_cast<std::size_t>(per_group);
  std::vector<float> ohwi(w.floats.size());
  for (std::size_t o = 0; o < out; ++o) {
    for (std::size_t i = 0; i < in; ++i) {
      for (std::size_t y = 0; y < kh; ++y) {
        for (std::size_t x = 0; x < kw; ++x) {
          ohwi[((o * kh + y) * kw + x) * in + i] = w.floats[((o * in + i) * kh + y) * kw + x];
        }
      }
    }
  }
  return ohwi;
}

/// Kernel, strides, padding (and for convolutions, dilations) of a Conv or MaxPool.
template <typename Op>
void SetWindow(const onnx::NodeProto& node, Op& op) {
  const auto kernel = IntsAttr(node, "kernel_shape", {op.kernel_h, op.kernel_w});
  const auto strides = IntsAttr(node, "strides", {1, 1});
  const auto pads = IntsAttr(node, "pads", {0, 0, 0, 0});
  if (kernel.size() != 2 || strides.size() != 2 || pads.size() != 4) Bad(Describe(node) + " is not 2-D");
  op.kernel_h = ToInt(kernel[0], node, 1, kOnnxMaxWindow);
  op.kernel_w = ToInt(kernel[1], node, 1, kOnnxMaxWindow);
  op.stride_h = ToInt(strides[0], node, 1, kOnnxMaxWindow);
  op.stride_w = ToInt(strides[1], node, 1, kOnnxMaxWindow);
  // ONNX orders pads as [top, left, bottom, right].
  op.padding = nn::Padding{ToInt(pads[0], node, 0, kOnnxMaxPadding), ToInt(pads[1], node, 0, kOnnxMaxPadding),
                           ToInt(pads[2], node, 0, kOnnxMaxPadding), ToInt(pads[3], node, 0, kOnnxMaxPadding)};
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
    op.dilation_h = ToInt(dilations[0], node, 1, kOnnxMaxWindow);
    op.dilation_w = ToInt(dilations[1], node, 1, kOnnxMaxWindow);
  } else if (IntAttr(node, "ceil_mode", 0) != 0 ||
             IntsAttr(node, "dilations", {1, 1}) != std::vector<std::int64_t>{1, 1}) {
    Bad(Describe(node) + ": ceil_mode and dilations are not supported");
  }
}

}  // namespace

nn::Conv2D ConvFromOnnx(const onnx::NodeProto& node, const OnnxTensor& weights, std::vector<float> bias) {
  if (weights.dims.size() != 4 || weights.floats.empty()) Bad(Describe(node) + ": weights must be 4-D float");
  nn::Conv2D conv;
  conv.groups = ToInt(IntAttr(node, "group", 1), node, 1, kOnnxMaxChannels);
  conv.out_channels = ToInt(weights.dims[0], node, 1, kOnnxMaxChannels);
  const int per_group = ToInt(weights.dims[1], node, 1, kOnnxMaxChannels);
  conv.kernel_h = ToInt(weights.dims[2], node, 1, kOnnxMaxWindow);
  conv.kernel_w = ToInt(weights.dims[3], node, 1, kOnnxMaxWindow);
  if (static_cast<std::int64_t>(per_group) * conv.groups > kOnnxMaxChannels) {
    Bad(Describe(node) + " has too many channels");
  }
  conv.in_channels = per_group * conv.groups;
  SetWindow(node, conv);
  conv.weights = OihwToOhwi(weights, per_group);
  conv.bias = std::move(bias);
  return conv;
}

nn::MaxPool MaxPoolFromOnnx(const onnx::NodeProto& node) {
  if (node.output_size() > 1 && !node.output(1).empty()) Bad(Describe(node) + ": pooling indices are not supported");
  nn::MaxPool pool;
  SetWindow(node, pool);
  return pool;
}

}  // namespace faceloop::detect
