#include "detect/runtime/reference_net.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace faceloop::detect::nn::testing {
namespace {

RefTensor Zeros(Shape shape) {
  return RefTensor{shape, std::vector<float>(static_cast<std::size_t>(shape.Elements()), 0.f)};
}

float Activate(float v, Activation activation, float alpha) {
  switch (activation) {
    case Activation::kNone: return v;
    case Activation::kRelu: return std::max(v, 0.f);
    case Activation::kRelu6: return std::clamp(v, 0.f, 6.f);
    case Activation::kLeakyRelu: return v < 0 ? v * alpha : v;
    case Activation::kSigmoid: return 1.f / (1.f + std::exp(-v));
  }
  return v;
}

/// Output size and the padding before the first window, TensorFlow's way for SAME.
struct Window {
  int out = 0, pad_before = 0;
};

Window WindowOf(int in, int kernel, int stride, int dilation, int before, int after, bool same) {
  const int span = dilation * (kernel - 1) + 1;
  if (!same) return {(in + before + after - span) / stride + 1, before};
  const int out = (in + stride - 1) / stride;
  const int total = std::max((out - 1) * stride + span - in, 0);
  return {out, total / 2};
}

RefTensor Convolve(const RefTensor& in, const Conv2D& op) {
  const Padding& p = op.padding;
  const Window wy = WindowOf(in.shape.height, op.kernel_h, op.stride_h, op.dilation_h, p.top, p.bottom, p.same);
  const Window wx = WindowOf(in.shape.width, op.kernel_w, op.stride_w, op.dilation_w, p.left, p.right, p.same);
  RefTensor out = Zeros({wy.out, wx.out, op.out_channels});
  const int in_per_group = op.in_channels / op.groups, out_per_group = op.out_channels / op.groups;
  for (int y = 0; y < wy.out; ++y) {
    for (int x = 0; x < wx.out; ++x) {
      for (int o = 0; o < op.out_channels; ++o) {
        double sum = op.bias.empty() ? 0.0 : op.bias[static_cast<std::size_t>(o)];
        const int group = o / out_per_group;
        for (int ky = 0; ky < op.kernel_h; ++ky) {
          for (int kx = 0; kx < op.kernel_w; ++kx) {
            const int iy = y * op.stride_h - wy.pad_before + ky * op.dilation_h;
            const int ix = x * op.stride_w - wx.pad_before + kx * op.dilation_w;
            if (iy < 0 || ix < 0 || iy >= in.shape.height || ix >= in.shape.width) continue;
            for (int i = 0; i < in_per_group; ++i) {
              const std::size_t w = ((static_cast<std::size_t>(o) * static_cast<std::size_t>(op.kernel_h) +
                                      static_cast<std::size_t>(ky)) *
                                         static_cast<std::size_t>(op.kernel_w) +
                                     static_cast<std::size_t>(kx)) *
                                        static_cast<std::size_t>(in_per_group) +
                                    static_cast<std::size_t>(i);
              sum += static_cast<double>(in.At(iy, ix, group * in_per_group + i)) * op.weights[w];
            }
          }
        }
        out.At(y, x, o) = Activate(static_cast<float>(sum), op.activation, op.alpha);
      }
    }
  }
  return out;
}

RefTensor MaxPoolOf(const RefTensor& in, const MaxPool& op) {
  const Padding& p = op.padding;
  const Window wy = WindowOf(in.shape.height, op.kernel_h, op.stride_h, 1, p.top, p.bottom, p.same);
  const Window wx = WindowOf(in.shape.width, op.kernel_w, op.stride_w, 1, p.left, p.right, p.same);
  RefTensor out = Zeros({wy.out, wx.out, in.shape.channels});
  for (int y = 0; y < wy.out; ++y) {
    for (int x = 0; x < wx.out; ++x) {
      for (int c = 0; c < in.shape.channels; ++c) {
        float best = -std::numeric_limits<float>::infinity();  // padding never wins
        for (int ky = 0; ky < op.kernel_h; ++ky) {
          for (int kx = 0; kx < op.kernel_w; ++kx) {
            const int iy = y * op.stride_h - wy.pad_before + ky, ix = x * op.stride_w - wx.pad_before + kx;
            if (iy >= 0 && ix >= 0 && iy < in.shape.height && ix < in.shape.width)
              best = std::max(best, in.At(iy, ix, c));
          }
        }
        out.At(y, x, c) = best;
      }
    }
  }
  return out;
}

RefTensor PadOf(const RefTensor& in, const Pad& op) {
  const Padding& p = op.spatial;
  RefTensor out = Zeros({in.shape.height + p.top + p.bottom, in.shape.width + p.left + p.right,
                         in.shape.channels + op.channels_before + op.channels_after});
  for (int y = 0; y < in.shape.height; ++y) {
    for (int x = 0; x < in.shape.width; ++x) {
      for (int c = 0; c < in.shape.channels; ++c)
        out.At(y + p.top, x + p.left, c + op.channels_before) = in.At(y, x, c);
    }
  }
  return out;
}

/// TensorFlow's ResizeBilinear: source coordinate, then clamped neighbours and the fraction between.
struct Tap {
  int lower = 0, upper = 0;
  float lerp = 0;
};

Tap TapOf(int out, int in_size, int out_size, const ResizeBilinear& op) {
  const float scale = op.align_corners && out_size > 1
                          ? static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1)
                          : static_cast<float>(in_size) / static_cast<float>(out_size);
  const float source =
      op.half_pixel_centers ? (static_cast<float>(out) + 0.5f) * scale - 0.5f : static_cast<float>(out) * scale;
  const float floor = std::floor(source);
  return {std::max(static_cast<int>(floor), 0), std::min(static_cast<int>(std::ceil(source)), in_size - 1),
          source - floor};
}

RefTensor ResizeOf(const RefTensor& in, const ResizeBilinear& op) {
  RefTensor out = Zeros({static_cast<int>(static_cast<float>(in.shape.height) * op.scale_h),
                         static_cast<int>(static_cast<float>(in.shape.width) * op.scale_w), in.shape.channels});
  for (int y = 0; y < out.shape.height; ++y) {
    const Tap ty = TapOf(y, in.shape.height, out.shape.height, op);
    for (int x = 0; x < out.shape.width; ++x) {
      const Tap tx = TapOf(x, in.shape.width, out.shape.width, op);
      for (int c = 0; c < in.shape.channels; ++c) {
        const float top =
            in.At(ty.lower, tx.lower, c) + (in.At(ty.lower, tx.upper, c) - in.At(ty.lower, tx.lower, c)) * tx.lerp;
        const float bottom =
            in.At(ty.upper, tx.lower, c) + (in.At(ty.upper, tx.upper, c) - in.At(ty.upper, tx.lower, c)) * tx.lerp;
        out.At(y, x, c) = top + (bottom - top) * ty.lerp;
      }
    }
  }
  return out;
}

class Interpreter {
 public:
  explicit Interpreter(const Graph& graph) : graph_(graph) {}

  std::vector<RefTensor> Run(const std::vector<float>& input, int height, int width) {
    const int channels = std::get<Input>(graph_.nodes.at(0).op).channels;
    values_.push_back(RefTensor{{height, width, channels}, input});
    for (std::size_t i = 1; i < graph_.nodes.size(); ++i) {
      values_.push_back(std::visit([this](const auto& op) { return Of(op); }, graph_.nodes[i].op));
    }
    std::vector<RefTensor> outputs;
    for (ValueId id : graph_.outputs) outputs.push_back(values_.at(static_cast<std::size_t>(id)));
    return outputs;
  }

 private:
  const RefTensor& In(ValueId id) const { return values_.at(static_cast<std::size_t>(id)); }

  RefTensor Of(const Input&) const { return {}; }
  RefTensor Of(const Conv2D& op) const { return Convolve(In(op.input), op); }
  RefTensor Of(const MaxPool& op) const { return MaxPoolOf(In(op.input), op); }
  RefTensor Of(const Pad& op) const { return PadOf(In(op.input), op); }
  RefTensor Of(const ResizeBilinear& op) const { return ResizeOf(In(op.input), op); }

  RefTensor Of(const Add& op) const {
    RefTensor out = In(op.a);
    for (std::size_t i = 0; i < out.values.size(); ++i) {
      out.values[i] = Activate(out.values[i] + In(op.b).values.at(i), op.activation, op.alpha);
    }
    return out;
  }

  RefTensor Of(const Concat& op) const {
    const Shape first = In(op.inputs.front()).shape;
    int channels = 0;
    for (ValueId id : op.inputs) channels += In(id).shape.channels;
    RefTensor out = Zeros({first.height, first.width, channels});
    int offset = 0;
    for (ValueId id : op.inputs) {
      const RefTensor& in = In(id);
      for (int y = 0; y < first.height; ++y) {
        for (int x = 0; x < first.width; ++x) {
          for (int c = 0; c < in.shape.channels; ++c) out.At(y, x, offset + c) = in.At(y, x, c);
        }
      }
      offset += in.shape.channels;
    }
    return out;
  }

  RefTensor Of(const UpsampleNearest& op) const {
    const RefTensor& in = In(op.input);
    RefTensor out = Zeros({in.shape.height * op.factor, in.shape.width * op.factor, in.shape.channels});
    for (int y = 0; y < out.shape.height; ++y) {
      for (int x = 0; x < out.shape.width; ++x) {
        for (int c = 0; c < in.shape.channels; ++c) out.At(y, x, c) = in.At(y / op.factor, x / op.factor, c);
      }
    }
    return out;
  }

  RefTensor Of(const Unary& op) const {
    RefTensor out = In(op.input);
    for (float& v : out.values) v = Activate(v, op.activation, op.alpha);
    return out;
  }

  RefTensor Of(const PRelu& op) const {
    RefTensor out = In(op.input);
    for (std::size_t i = 0; i < out.values.size(); ++i) {
      const float slope = op.slopes[i % op.slopes.size()];
      if (out.values[i] < 0) out.values[i] *= slope;
    }
    return out;
  }

  const Graph& graph_;
  std::vector<RefTensor> values_;
};

}  // namespace

std::vector<RefTensor> RunReference(const Graph& graph, const std::vector<float>& input, int height, int width) {
  return Interpreter(graph).Run(input, height, width);
}

}  // namespace faceloop::detect::nn::testing
