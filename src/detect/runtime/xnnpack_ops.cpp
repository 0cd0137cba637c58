#include "detect/runtime/xnnpack_ops.hpp"

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <mutex>
#include <string>

#include <xnnpack.h>

#include "common/error.hpp"
#include "detect/runtime/xnnpack_banded.hpp"

namespace faceloop::detect::nn {
namespace {

constexpr float kInfinity = std::numeric_limits<float>::infinity();

std::string StatusName(xnn_status status) {
  switch (status) {
    case xnn_status_success: return "success";
    case xnn_status_uninitialized: return "uninitialized";
    case xnn_status_invalid_parameter: return "invalid parameter";
    case xnn_status_invalid_state: return "invalid state";
    case xnn_status_unsupported_parameter: return "unsupported parameter";
    case xnn_status_unsupported_hardware: return "unsupported hardware";
    case xnn_status_out_of_memory: return "out of memory";
  }
  return "status " + std::to_string(static_cast<int>(status));
}

void Check(xnn_status status, const std::string& node, const char* what) {
  if (status != xnn_status_success) FailOnNode(node, std::string(what) + " failed (" + StatusName(status) + ")");
}

struct OperatorDeleter {
  void operator()(xnn_operator_t op) const { xnn_delete_operator(op); }
};
using Operator = std::unique_ptr<xnn_operator, OperatorDeleter>;

/// One XNNPACK operator and how to bind it to the buffers of one input size.
class OperatorStep final : public Step {
 public:
  OperatorStep(std::string node, xnn_operator_t op, SetupFn setup)
      : node_(std::move(node)), op_(op), setup_(std::move(setup)) {}
  void Setup(const Bindings& bindings) override { Check(setup_(op_.get(), bindings), node_, "setup"); }
  void Run() override { Check(xnn_run_operator(op_.get(), nullptr), node_, "run"); }

 private:
  std::string node_;
  Operator op_;
  SetupFn setup_;
};

/// Nearest-neighbour upsampling by an integer factor: a copy loop, as fast as any operator for it.
class UpsampleStep final : public Step {
 public:
  UpsampleStep(ValueId input, ValueId output, int factor, int channels, int in_stride, int out_stride)
      : input_(input),
        output_(output),
        factor_(factor),
        channels_(channels),
        in_stride_(in_stride),
        out_stride_(out_stride) {}
  void Setup(const Bindings& bindings) override {
    in_ = bindings.data[static_cast<std::size_t>(input_)];
    out_ = bindings.data[static_cast<std::size_t>(output_)];
    out_shape_ = bindings.shapes[static_cast<std::size_t>(output_)];
    in_width_ = bindings.shapes[static_cast<std::size_t>(input_)].width;
  }
  void Run() override {
    const std::size_t bytes = static_cast<std::size_t>(channels_) * sizeof(float);
    for (int y = 0; y < out_shape_.height; ++y) {
      const float* src = in_ + static_cast<std::ptrdiff_t>(y / factor_) * in_width_ * in_stride_;
      float* dst = out_ + static_cast<std::ptrdiff_t>(y) * out_shape_.width * out_stride_;
      for (int x = 0; x < out_shape_.width; ++x) {
        std::memcpy(dst + static_cast<std::ptrdiff_t>(x) * out_stride_,
                    src + static_cast<std::ptrdiff_t>(x / factor_) * in_stride_, bytes);
      }
    }
  }

 private:
  ValueId input_, output_;
  int factor_, channels_, in_stride_, out_stride_;
  const float* in_ = nullptr;
  float* out_ = nullptr;
  Shape out_shape_;
  int in_width_ = 0;
};

/// Builds the steps of one node, with the strides its placement dictates.
class StepMaker {
 public:
  StepMaker(const Graph& graph, ValueId id, const Layout& layout)
      : graph_(graph), id_(id), placements_(layout.placements), channels_(layout.channels) {}

  std::vector<std::unique_ptr<Step>> Make() {
    std::visit([this](const auto& op) { Build(op); }, node().op);
    return std::move(steps_);
  }

 private:
  const Node& node() const { return graph_.nodes[Index(id_)]; }
  static std::size_t Index(ValueId id) { return static_cast<std::size_t>(id); }
  std::size_t Stride(ValueId id) const { return static_cast<std::size_t>(placements_[Index(id)].pixel_stride); }
  std::size_t Channels(ValueId id) const { return static_cast<std::size_t>(channels_[Index(id)]); }

  void Push(const char* what, const std::function<xnn_status(xnn_operator_t*)>& create, SetupFn setup) {
    steps_.push_back(MakeOperatorStep(node().name, what, create, std::move(setup)));
  }

  /// Setup of an element-wise "nc" operator from `input` to `output` (pixels are the batch).
  static SetupFn PixelwiseSetup(ValueId input, ValueId output,
                                xnn_status (*setup)(xnn_operator_t, size_t, const float*, float*, pthreadpool_t)) {
    return [=](xnn_operator_t op, const Bindings& b) {
      const Shape& s = b.shapes[Index(output)];
      return setup(op, static_cast<size_t>(s.height) * static_cast<size_t>(s.width), b.data[Index(input)],
                   b.data[Index(output)], nullptr);
    };
  }

  /// An activation from one value to another, or in place (from == to) after an op that could not fuse it.
  void AddActivation(Activation activation, float alpha, ValueId from, ValueId to) {
    const std::size_t c = Channels(to), in = Stride(from), out = Stride(to);
    switch (activation) {
      case Activation::kNone:
        if (from == to) return;
        Push(
            "create copy", [&](xnn_operator_t* op) { return xnn_create_copy_nc_x32(c, in, out, 0, op); },
            [=](xnn_operator_t o, const Bindings& b) {
              const Shape& s = b.shapes[Index(to)];
              return xnn_setup_copy_nc_x32(o, static_cast<size_t>(s.height) * static_cast<size_t>(s.width),
                                           b.data[Index(from)], b.data[Index(to)], nullptr);
            });
        return;
      case Activation::kRelu:
      case Activation::kRelu6:
        if (from == to) return;  // fused into the producer's clamp
        Push(
            "create clamp",
            [&](xnn_operator_t* op) {
              return xnn_create_clamp_nc_f32(c, in, out, FusedRange(activation).min, FusedRange(activation).max, 0, op);
            },
            PixelwiseSetup(from, to, xnn_setup_clamp_nc_f32));
        return;
      case Activation::kLeakyRelu:
        Push(
            "create leaky relu",
            [&](xnn_operator_t* op) { return xnn_create_leaky_relu_nc_f32(c, in, out, alpha, 0, op); },
            PixelwiseSetup(from, to, xnn_setup_leaky_relu_nc_f32));
        return;
      case Activation::kSigmoid:
        Push(
            "create sigmoid", [&](xnn_operator_t* op) { return xnn_create_sigmoid_nc_f32(c, in, out, 0, op); },
            PixelwiseSetup(from, to, xnn_setup_sigmoid_nc_f32));
        return;
    }
  }

  void Build(const Input&) {}

  void Build(const Conv2D& conv) {
    const Padding& p = conv.padding;
    const int span_h = conv.dilation_h * (conv.kernel_h - 1) + 1, span_w = conv.dilation_w * (conv.kernel_w - 1) + 1;
    // XNNPACK (2022) computes SAME padding without clamping at zero: a window smaller than the stride
    // would wrap around.
    if (p.same && conv.kernel_h * conv.kernel_w > 1 && (span_h < conv.stride_h || span_w < conv.stride_w)) {
      FailOnNode(node().name, "SAME padding with a window smaller than the stride");
    }
    const auto top = static_cast<uint32_t>(p.same ? 0 : p.top), right = static_cast<uint32_t>(p.same ? 0 : p.right);
    const auto bottom = static_cast<uint32_t>(p.same ? 0 : p.bottom), left = static_cast<uint32_t>(p.same ? 0 : p.left);
    const OutputRange clamp = FusedRange(conv.activation);
    const auto create = [&](xnn_operator_t* op) {
      return xnn_create_convolution2d_nhwc_f32(
          top, right, bottom, left, static_cast<uint32_t>(conv.kernel_h), static_cast<uint32_t>(conv.kernel_w),
          static_cast<uint32_t>(conv.stride_h), static_cast<uint32_t>(conv.stride_w),
          static_cast<uint32_t>(conv.dilation_h), static_cast<uint32_t>(conv.dilation_w),
          static_cast<uint32_t>(conv.groups), static_cast<size_t>(conv.in_channels / conv.groups),
          static_cast<size_t>(conv.out_channels / conv.groups), Stride(conv.input), Stride(id_), conv.weights.data(),
          conv.bias.empty() ? nullptr : conv.bias.data(), clamp.min, clamp.max,
          p.same ? XNN_FLAG_TENSORFLOW_SAME_PADDING : 0, op);
    };
    Push("create convolution", create, [in = conv.input, out = id_](xnn_operator_t o, const Bindings& b) {
      const Shape& s = b.shapes[Index(in)];
      return xnn_setup_convolution2d_nhwc_f32(o, 1, static_cast<size_t>(s.height), static_cast<size_t>(s.width),
                                              b.data[Index(in)], b.data[Index(out)], nullptr);
    });
    if (conv.input == 0 && conv.kernel_h * conv.kernel_w > 1) {
      steps_.back() = WithBandedLargeRuns(std::move(steps_.back()), node(), conv, id_, static_cast<int>(Stride(id_)));
    }
    AddActivation(conv.activation, conv.alpha, id_, id_);
  }

  void Build(const Add& add) {
    const OutputRange clamp = FusedRange(add.activation);
    Push(
        "create add", [&](xnn_operator_t* op) { return xnn_create_add_nd_f32(clamp.min, clamp.max, 0, op); },
        [a = add.a, c = add.b, out = id_](xnn_operator_t o, const Bindings& b) {
          const Shape& s = b.shapes[Index(out)];
          const size_t dims[3] = {static_cast<size_t>(s.height), static_cast<size_t>(s.width),
                                  static_cast<size_t>(s.channels)};
          return xnn_setup_add_nd_f32(o, 3, dims, 3, dims, b.data[Index(a)], b.data[Index(c)], b.data[Index(out)],
                                      nullptr);
        });
    AddActivation(add.activation, add.alpha, id_, id_);
  }

  void Build(const MaxPool& pool) {
    const Padding& p = pool.padding;
    const auto pad = [&](int value) { return static_cast<uint32_t>(p.same ? 0 : value); };
    const auto create = [&](xnn_operator_t* op) {
      return xnn_create_max_pooling2d_nhwc_f32(
          pad(p.top), pad(p.right), pad(p.bottom), pad(p.left), static_cast<uint32_t>(pool.kernel_h),
          static_cast<uint32_t>(pool.kernel_w), static_cast<uint32_t>(pool.stride_h),
          static_cast<uint32_t>(pool.stride_w), 1, 1, Channels(id_), Stride(pool.input), Stride(id_), -kInfinity,
          kInfinity, p.same ? XNN_FLAG_TENSORFLOW_SAME_PADDING : 0, op);
    };
    Push("create max pooling", create, [in = pool.input, out = id_](xnn_operator_t o, const Bindings& b) {
      const Shape& s = b.shapes[Index(in)];
      return xnn_setup_max_pooling2d_nhwc_f32(o, 1, static_cast<size_t>(s.height), static_cast<size_t>(s.width),
                                              b.data[Index(in)], b.data[Index(out)], nullptr);
    });
  }

  void Build(const Pad& pad) {
    const uint32_t zero = 0;
    Push(
        "create pad", [&](xnn_operator_t* op) { return xnn_create_constant_pad_nd_x32(&zero, 0, op); },
        [pad, in = pad.input, out = id_](xnn_operator_t o, const Bindings& b) {
          const Shape& s = b.shapes[Index(in)];
          const size_t dims[3] = {static_cast<size_t>(s.height), static_cast<size_t>(s.width),
                                  static_cast<size_t>(s.channels)};
          const size_t before[3] = {static_cast<size_t>(pad.spatial.top), static_cast<size_t>(pad.spatial.left),
                                    static_cast<size_t>(pad.channels_before)};
          const size_t after[3] = {static_cast<size_t>(pad.spatial.bottom), static_cast<size_t>(pad.spatial.right),
                                   static_cast<size_t>(pad.channels_after)};
          return xnn_setup_constant_pad_nd_x32(o, 3, dims, before, after, b.data[Index(in)], b.data[Index(out)],
                                               nullptr);
        });
  }

  void Build(const Concat& concat) {
    std::size_t offset = 0;
    for (ValueId input : concat.inputs) {
      const std::size_t channels = Channels(input);
      if (placements_[Index(input)].buffer != id_) {  // not already written into its slice
        Push(
            "create copy",
            [&](xnn_operator_t* op) { return xnn_create_copy_nc_x32(channels, Stride(input), Stride(id_), 0, op); },
            [input, out = id_, offset](xnn_operator_t o, const Bindings& b) {
              const Shape& s = b.shapes[Index(out)];
              return xnn_setup_copy_nc_x32(o, static_cast<size_t>(s.height) * static_cast<size_t>(s.width),
                                           b.data[Index(input)], b.data[Index(out)] + offset, nullptr);
            });
      }
      offset += channels;
    }
  }

  void Build(const UpsampleNearest& up) {
    steps_.push_back(std::make_unique<UpsampleStep>(up.input, id_, up.factor, channels_[Index(id_)],
                                                    placements_[Index(up.input)].pixel_stride,
                                                    placements_[Index(id_)].pixel_stride));
  }

  void Build(const ResizeBilinear& resize) {
    if (resize.align_corners && resize.half_pixel_centers) {
      FailOnNode(node().name, "align_corners with half_pixel_centers");
    }
    // XNNPACK's default is half-pixel centres; TensorFlow's legacy mode is neither.
    const uint32_t flags = resize.align_corners        ? XNN_FLAG_ALIGN_CORNERS
                           : resize.half_pixel_centers ? 0
                                                       : XNN_FLAG_TENSORFLOW_LEGACY_MODE;
    Push(
        "create resize",
        [&](xnn_operator_t* op) {
          return xnn_create_resize_bilinear2d_nhwc_f32(Channels(id_), Stride(resize.input), Stride(id_), flags, op);
        },
        [in = resize.input, out = id_](xnn_operator_t o, const Bindings& b) {
          const Shape& s = b.shapes[Index(in)];
          const Shape& t = b.shapes[Index(out)];
          return xnn_setup_resize_bilinear2d_nhwc_f32(o, 1, static_cast<size_t>(s.height), static_cast<size_t>(s.width),
                                                      static_cast<size_t>(t.height), static_cast<size_t>(t.width),
                                                      b.data[Index(in)], b.data[Index(out)], nullptr);
        });
  }

  void Build(const Unary& unary) { AddActivation(unary.activation, unary.alpha, unary.input, id_); }

  void Build(const PRelu& prelu) {
    Push(
        "create prelu",
        [&](xnn_operator_t* op) {
          return xnn_create_prelu_nc_f32(Channels(id_), Stride(prelu.input), Stride(id_), prelu.slopes.data(), 0, op);
        },
        PixelwiseSetup(prelu.input, id_, xnn_setup_prelu_nc_f32));
  }

  const Graph& graph_;
  const ValueId id_;
  const std::vector<Placement>& placements_;
  const std::vector<int>& channels_;
  std::vector<std::unique_ptr<Step>> steps_;
};

}  // namespace

OutputRange FusedRange(Activation activation) {
  if (activation == Activation::kRelu) return {0.f, kInfinity};
  if (activation == Activation::kRelu6) return {0.f, 6.f};
  return {-kInfinity, kInfinity};
}

[[noreturn]] void FailOnNode(const std::string& node, const std::string& why) {
  throw Error(ErrorCode::kInternal, "XNNPACK cannot run node " + node + ": " + why);
}

std::unique_ptr<Step> MakeOperatorStep(const std::string& node, const char* what,
                                       const std::function<xnn_status(xnn_operator_t*)>& create, SetupFn setup) {
  xnn_operator_t op = nullptr;
  const xnn_status created = create(&op);
  Operator owned(op);  // deleted if Check throws
  Check(created, node, what);
  return std::make_unique<OperatorStep>(node, owned.release(), std::move(setup));
}

void InitializeXnnpack() {
  static std::once_flag once;
  static xnn_status status = xnn_status_uninitialized;
  std::call_once(once, [] { status = xnn_initialize(nullptr); });
  if (status != xnn_status_success) {
    throw Error(ErrorCode::kInternal, "XNNPACK cannot initialise on this CPU (" + StatusName(status) + ")");
  }
}

std::vector<std::unique_ptr<Step>> MakeSteps(const Graph& graph, ValueId id, const Layout& layout) {
  return StepMaker(graph, id, layout).Make();
}

}  // namespace faceloop::detect::nn
