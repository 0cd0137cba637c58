#include "detect/runtime/xnnpack_nchw.hpp"

#include <algorithm>
#include <limits>

namespace faceloop::detect::nn {
namespace {

constexpr float kInfinity = std::numeric_limits<float>::infinity();

std::size_t Index(ValueId id) { return static_cast<std::size_t>(id); }

/// Explicit padding of a convolution; SAME resolved where it does not depend on the input size.
bool ResolvePadding(const Conv2D& conv, Padding& out) {
  if (!conv.padding.same) {
    out = conv.padding;
    return true;
  }
  if (conv.stride_h != 1 || conv.stride_w != 1 || conv.kernel_h % 2 == 0 || conv.kernel_w % 2 == 0) return false;
  const int y = (conv.kernel_h - 1) / 2 * conv.dilation_h, x = (conv.kernel_w - 1) / 2 * conv.dilation_w;
  out = Padding{y, x, y, x, false};
  return true;
}

bool IsPointwise(const Conv2D& conv) {
  const Padding& p = conv.padding;
  return conv.kernel_h == 1 && conv.kernel_w == 1 && conv.stride_h == 1 && conv.stride_w == 1 && conv.groups == 1 &&
         (p.same || (p.top == 0 && p.left == 0 && p.bottom == 0 && p.right == 0));
}

/// The depthwise shapes XNNPACK's CHW kernels exist for (convolution-nchw.c): 3x3 or 5x5, stride 1
/// or 2, padding k/2 on every side except a top one smaller by one at stride 2.
bool IsChwDepthwise(const Conv2D& conv) {
  Padding p;
  if (!ResolvePadding(conv, p) || conv.groups != conv.in_channels || conv.out_channels != conv.in_channels) {
    return false;
  }
  const int k = conv.kernel_h, half = k / 2;
  if ((k != 3 && k != 5) || conv.kernel_w != k || conv.dilation_h != 1 || conv.dilation_w != 1) return false;
  if (conv.stride_h != conv.stride_w || (conv.stride_h != 1 && conv.stride_h != 2)) return false;
  const bool top_ok = p.top == half || (conv.stride_h == 2 && p.top == half - 1);
  return top_ok && p.left == half && p.bottom == half && p.right == half;
}

/// The first convolution: XNNPACK's only NHWC-to-CHW kernel.
bool IsInputConvolution(const Conv2D& conv) {
  const Padding& p = conv.padding;
  return conv.kernel_h == 3 && conv.kernel_w == 3 && conv.stride_h == 2 && conv.stride_w == 2 && conv.groups == 1 &&
         conv.in_channels == 3 && conv.dilation_h == 1 && conv.dilation_w == 1 && !p.same && p.top == 1 &&
         p.left == 1 && p.bottom == 1 && p.right == 1;
}

bool FusableActivation(Activation activation) {
  return activation == Activation::kNone || activation == Activation::kRelu || activation == Activation::kRelu6;
}

bool HasNchwOperator(const Op& op) {
  if (const auto* conv = std::get_if<Conv2D>(&op)) {
    if (!FusableActivation(conv->activation)) return false;
    return conv->input == 0 ? IsInputConvolution(*conv) : IsPointwise(*conv) || IsChwDepthwise(*conv);
  }
  if (const auto* add = std::get_if<Add>(&op)) return add->a != 0 && add->b != 0 && FusableActivation(add->activation);
  if (const auto* resize = std::get_if<ResizeBilinear>(&op)) return resize->input != 0;
  return std::holds_alternative<Input>(op);
}

struct Clamp {
  float min = -kInfinity, max = kInfinity;
};

Clamp FusedClamp(Activation activation) {
  if (activation == Activation::kRelu) return {0.f, kInfinity};
  if (activation == Activation::kRelu6) return {0.f, 6.f};
  return {};
}

std::unique_ptr<Step> ConvolutionStep(const Node& node, const Conv2D& conv, ValueId id) {
  Padding p;
  ResolvePadding(conv, p);
  const Clamp clamp = FusedClamp(conv.activation);
  const auto create = [&](xnn_operator_t* op) {
    return xnn_create_convolution2d_nchw_f32(
        static_cast<uint32_t>(p.top), static_cast<uint32_t>(p.right), static_cast<uint32_t>(p.bottom),
        static_cast<uint32_t>(p.left), static_cast<uint32_t>(conv.kernel_h), static_cast<uint32_t>(conv.kernel_w),
        static_cast<uint32_t>(conv.stride_h), static_cast<uint32_t>(conv.stride_w),
        static_cast<uint32_t>(conv.dilation_h), static_cast<uint32_t>(conv.dilation_w),
        static_cast<uint32_t>(conv.groups), static_cast<size_t>(conv.in_channels / conv.groups),
        static_cast<size_t>(conv.out_channels / conv.groups), static_cast<size_t>(conv.in_channels),
        static_cast<size_t>(conv.out_channels), conv.weights.data(), conv.bias.empty() ? nullptr : conv.bias.data(),
        clamp.min, clamp.max, conv.input == 0 ? XNN_FLAG_INPUT_NHWC : 0, op);
  };
  return MakeOperatorStep(
      node.name, "create NCHW convolution", create, [in = conv.input, id](xnn_operator_t o, const Bindings& b) {
        const Shape& s = b.shapes[Index(in)];
        return xnn_setup_convolution2d_nchw_f32(o, 1, static_cast<size_t>(s.height), static_cast<size_t>(s.width),
                                                b.data[Index(in)], b.data[Index(id)], nullptr);
      });
}

std::unique_ptr<Step> AddStep(const Node& node, const Add& add, ValueId id) {
  const Clamp clamp = FusedClamp(add.activation);
  return MakeOperatorStep(
      node.name, "create add", [&](xnn_operator_t* op) { return xnn_create_add_nd_f32(clamp.min, clamp.max, 0, op); },
      [a = add.a, c = add.b, id](xnn_operator_t o, const Bindings& b) {
        const Shape& s = b.shapes[Index(id)];
        const size_t dims[3] = {static_cast<size_t>(s.channels), static_cast<size_t>(s.height),
                                static_cast<size_t>(s.width)};
        return xnn_setup_add_nd_f32(o, 3, dims, 3, dims, b.data[Index(a)], b.data[Index(c)], b.data[Index(id)],
                                    nullptr);
      });
}

std::unique_ptr<Step> ResizeStep(const Node& node, const ResizeBilinear& resize, std::size_t channels, ValueId id) {
  if (resize.align_corners && resize.half_pixel_centers) FailOnNode(node.name, "align_corners with half_pixel_centers");
  const uint32_t flags = resize.align_corners        ? XNN_FLAG_ALIGN_CORNERS
                         : resize.half_pixel_centers ? 0
                                                     : XNN_FLAG_TENSORFLOW_LEGACY_MODE;
  return MakeOperatorStep(
      node.name, "create NCHW resize",
      [&](xnn_operator_t* op) {
        return xnn_create_resize_bilinear2d_nchw_f32(channels, channels, channels, flags, op);
      },
      [in = resize.input, id](xnn_operator_t o, const Bindings& b) {
        const Shape& s = b.shapes[Index(in)];
        const Shape& t = b.shapes[Index(id)];
        return xnn_setup_resize_bilinear2d_nchw_f32(o, 1, static_cast<size_t>(s.height), static_cast<size_t>(s.width),
                                                    static_cast<size_t>(t.height), static_cast<size_t>(t.width),
                                                    b.data[Index(in)], b.data[Index(id)], nullptr);
      });
}

}  // namespace

bool PrefersSparseNchw(const Graph& graph) {
  std::size_t weights = 0, zeros = 0;
  for (const Node& node : graph.nodes) {
    if (!HasNchwOperator(node.op)) return false;
    const auto* conv = std::get_if<Conv2D>(&node.op);
    if (conv && IsPointwise(*conv)) {
      weights += conv->weights.size();
      zeros += static_cast<std::size_t>(std::count(conv->weights.begin(), conv->weights.end(), 0.f));
    }
  }
  return weights > 0 && zeros * 3 > weights * 2;
}

std::vector<std::unique_ptr<Step>> MakeNchwSteps(const Graph& graph, ValueId id, const Layout& layout) {
  const Node& node = graph.nodes[Index(id)];
  std::vector<std::unique_ptr<Step>> steps;
  if (const auto* conv = std::get_if<Conv2D>(&node.op)) steps.push_back(ConvolutionStep(node, *conv, id));
  if (const auto* add = std::get_if<Add>(&node.op)) steps.push_back(AddStep(node, *add, id));
  if (const auto* resize = std::get_if<ResizeBilinear>(&node.op)) {
    steps.push_back(ResizeStep(node, *resize, static_cast<std::size_t>(layout.channels[Index(id)]), id));
  }
  return steps;
}

}  // namespace faceloop::detect::nn
