#include "detect/runtime/xnnpack_banded.hpp"

#include <algorithm>
#include <cstring>

namespace faceloop::detect::nn {
namespace {

// Pointers per band: 2 MB of indirection buffer.
constexpr long kBandPointers = 256L * 1024L;

std::size_t Index(ValueId id) { return static_cast<std::size_t>(id); }

class BandedConvStep final : public Step {
 public:
  BandedConvStep(std::unique_ptr<Step> step, const Node& node, const Conv2D& conv, ValueId id, int out_stride)
      : step_(std::move(step)), conv_(WithoutWeights(conv)), id_(id), out_stride_(out_stride) {
    const OutputRange range = FusedRange(conv.activation);
    const auto create = [&](xnn_operator_t* op) {
      return xnn_create_convolution2d_nhwc_f32(
          0, 0, 0, 0, static_cast<uint32_t>(conv.kernel_h), static_cast<uint32_t>(conv.kernel_w),
          static_cast<uint32_t>(conv.stride_h), static_cast<uint32_t>(conv.stride_w),
          static_cast<uint32_t>(conv.dilation_h), static_cast<uint32_t>(conv.dilation_w),
          static_cast<uint32_t>(conv.groups), static_cast<size_t>(conv.in_channels / conv.groups),
          static_cast<size_t>(conv.out_channels / conv.groups), static_cast<size_t>(conv.in_channels),
          static_cast<size_t>(out_stride_), conv.weights.data(), conv.bias.empty() ? nullptr : conv.bias.data(),
          range.min, range.max, 0, op);
    };
    band_op_ =
        MakeOperatorStep(node.name, "create banded convolution", create, [this](xnn_operator_t op, const Bindings&) {
          return xnn_setup_convolution2d_nhwc_f32(op, 1, static_cast<size_t>(band_height_),
                                                  static_cast<size_t>(band_width_), band_.data(), band_output_,
                                                  nullptr);
        });
  }

  void Setup(const Bindings& bindings) override { step_->Setup(bindings); }
  void Run() override { step_->Run(); }

  void RunLarge(const Bindings& large, const Bindings&) override {
    const Shape& in = large.shapes[Index(conv_.input)];
    const Shape& out = large.shapes[Index(id_)];
    const int span_h = conv_.dilation_h * (conv_.kernel_h - 1) + 1;
    const int span_w = conv_.dilation_w * (conv_.kernel_w - 1) + 1;
    // TensorFlow's SAME rule, at this input size; explicit padding as given.
    const int top = conv_.padding.same ? std::max((out.height - 1) * conv_.stride_h + span_h - in.height, 0) / 2
                                       : conv_.padding.top;
    const int left =
        conv_.padding.same ? std::max((out.width - 1) * conv_.stride_w + span_w - in.width, 0) / 2 : conv_.padding.left;
    band_width_ = (out.width - 1) * conv_.stride_w + span_w;
    const long per_row = static_cast<long>(out.width) * conv_.kernel_h * conv_.kernel_w;
    const int rows_per_band = static_cast<int>(std::max(1L, kBandPointers / per_row));
    for (int row = 0; row < out.height; row += rows_per_band) {
      const int rows = std::min(rows_per_band, out.height - row);
      band_height_ = (rows - 1) * conv_.stride_h + span_h;
      FillBand(large.data[Index(conv_.input)], in, row * conv_.stride_h - top, left);
      band_output_ = large.data[Index(id_)] + static_cast<std::ptrdiff_t>(row) * out.width * out_stride_;
      band_op_->Setup(large);
      band_op_->Run();
    }
  }

 private:
  static Conv2D WithoutWeights(Conv2D conv) {
    conv.weights = {};
    conv.bias = {};
    return conv;
  }

  /// Input rows [first, first + band_height_) with `left` zero columns before each row and zeros
  /// wherever the rows or columns fall outside the input.
  void FillBand(const float* input, const Shape& in, int first, int left) {
    const auto channels = static_cast<std::size_t>(in.channels);
    const std::size_t row_floats = static_cast<std::size_t>(band_width_) * channels;
    // XNN_EXTRA_BYTES: XNNPACK may read a little past the band.
    band_.assign(static_cast<std::size_t>(band_height_) * row_floats + XNN_EXTRA_BYTES / sizeof(float), 0.f);
    const int copy_width = std::min(in.width, band_width_ - left);
    for (int y = 0; y < band_height_; ++y) {
      const int source = first + y;
      if (source < 0 || source >= in.height || copy_width <= 0) continue;
      std::memcpy(band_.data() + static_cast<std::size_t>(y) * row_floats + static_cast<std::size_t>(left) * channels,
                  input + static_cast<std::size_t>(source) * static_cast<std::size_t>(in.width) * channels,
                  static_cast<std::size_t>(copy_width) * channels * sizeof(float));
    }
  }

  std::unique_ptr<Step> step_;
  const Conv2D conv_;  ///< geometry only
  const ValueId id_;
  const int out_stride_;
  std::unique_ptr<Step> band_op_;
  std::vector<float> band_;
  int band_height_ = 0, band_width_ = 0;
  float* band_output_ = nullptr;
};

}  // namespace

std::unique_ptr<Step> WithBandedLargeRuns(std::unique_ptr<Step> step, const Node& node, const Conv2D& conv, ValueId id,
                                          int out_stride) {
  return std::make_unique<BandedConvStep>(std::move(step), node, conv, id, out_stride);
}

}  // namespace faceloop::detect::nn
