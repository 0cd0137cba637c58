#include "detect/runtime/naive_executor.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace faceloop::detect::nn {
namespace {

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

/// TensorFlow's SAME padding before the first pixel (the rest goes after).
int SamePadBefore(int in, int kernel, int stride, int dilation) {
  const int out = (in + stride - 1) / stride;
  const int span = dilation * (kernel - 1) + 1;
  return std::max(0, (out - 1) * stride + span - in) / 2;
}

class Executor {
 public:
  Executor(const Graph& graph, const std::vector<Shape>& shapes) : graph_(graph), shapes_(shapes) {}

  std::vector<NaiveTensor> Run(const std::vector<float>& input) {
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
      NaiveTensor out{shapes_[i], std::vector<float>(static_cast<std::size_t>(shapes_[i].Elements()), 0.f)};
      if (i == 0) {
        out.data = input;
      } else {
        std::visit([&](const auto& op) { Compute(op, out); }, graph_.nodes[i].op);
      }
      values_.push_back(std::move(out));
    }
    std::vector<NaiveTensor> outputs;
    for (ValueId id : graph_.outputs) outputs.push_back(values_[static_cast<std::size_t>(id)]);
    return outputs;
  }

 private:
  const NaiveTensor& In(ValueId id) const { return values_[static_cast<std::size_t>(id)]; }
  static float& At(NaiveTensor& t, int y, int x, int c) {
    return t.data[(static_cast<std::size_t>(y) * t.shape.width + x) * t.shape.channels + c];
  }

  void Compute(const Input&, NaiveTensor&) {}

  void Compute(const Conv2D& op, NaiveTensor& out) {
    const NaiveTensor& in = In(op.input);
    const int in_per_group = op.in_channels / op.groups, out_per_group = op.out_channels / op.groups;
    const int top =
        op.padding.same ? SamePadBefore(in.shape.height, op.kernel_h, op.stride_h, op.dilation_h) : op.padding.top;
    const int left =
        op.padding.same ? SamePadBefore(in.shape.width, op.kernel_w, op.stride_w, op.dilation_w) : op.padding.left;
    for (int y = 0; y < out.shape.height; ++y)
      for (int x = 0; x < out.shape.width; ++x)
        for (int o = 0; o < op.out_channels; ++o) {
          const int group = o / out_per_group;
          double sum = op.bias.empty() ? 0.0 : op.bias[static_cast<std::size_t>(o)];
          for (int ky = 0; ky < op.kernel_h; ++ky)
            for (int kx = 0; kx < op.kernel_w; ++kx) {
              const int iy = y * op.stride_h - top + ky * op.dilation_h;
              const int ix = x * op.stride_w - left + kx * op.dilation_w;
              if (iy < 0 || ix < 0 || iy >= in.shape.height || ix >= in.shape.width) continue;
              for (int i = 0; i < in_per_group; ++i) {
                const std::size_t w = ((static_cast<std::size_t>(o) * op.kernel_h + ky) * op.kernel_w + kx) *
                                          static_cast<std::size_t>(in_per_group) +
                                      i;
                sum += static_cast<double>(op.weights[w]) * in.At(iy, ix, group * in_per_group + i);
              }
            }
          At(out, y, x, o) = Activate(static_cast<float>(sum), op.activation, op.alpha);
        }
  }

  void Compute(const Add& op, NaiveTensor& out) {
    for (std::size_t i = 0; i < out.data.size(); ++i) {
      out.data[i] = Activate(In(op.a).data[i] + In(op.b).data[i], op.activation, op.alpha);
    }
  }

  void Compute(const MaxPool& op, NaiveTensor& out) {
    const NaiveTensor& in = In(op.input);
    const int top = op.padding.same ? SamePadBefore(in.shape.height, op.kernel_h, op.stride_h, 1) : op.padding.top;
    const int left = op.padding.same ? SamePadBefore(in.shape.width, op.kernel_w, op.stride_w, 1) : op.padding.left;
    for (int y = 0; y < out.shape.height; ++y)
      for (int x = 0; x < out.shape.width; ++x)
        for (int c = 0; c < out.shape.channels; ++c) {
          float best = -std::numeric_limits<float>::infinity();
          for (int ky = 0; ky < op.kernel_h; ++ky)
            for (int kx = 0; kx < op.kernel_w; ++kx) {
              const int iy = y * op.stride_h - top + ky, ix = x * op.stride_w - left + kx;
              if (iy >= 0 && ix >= 0 && iy < in.shape.height && ix < in.shape.width)
                best = std::max(best, in.At(iy, ix, c));
            }
          At(out, y, x, c) = best;
        }
  }

  void Compute(const Pad& op, NaiveTensor& out) {
    const NaiveTensor& in = In(op.input);
    for (int y = 0; y < in.shape.height; ++y)
      for (int x = 0; x < in.shape.width; ++x)
        for (int c = 0; c < in.shape.channels; ++c)
          At(out, y + op.spatial.top, x + op.spatial.left, c + op.channels_before) = in.At(y, x, c);
  }

  void Compute(const Concat& op, NaiveTensor& out) {
    int offset = 0;
    for (ValueId id : op.inputs) {
      const NaiveTensor& in = In(id);
      for (int y = 0; y < in.shape.height; ++y)
        for (int x = 0; x < in.shape.width; ++x)
          for (int c = 0; c < in.shape.channels; ++c) At(out, y, x, offset + c) = in.At(y, x, c);
      offset += in.shape.channels;
    }
  }

  void Compute(const UpsampleNearest& op, NaiveTensor& out) {
    const NaiveTensor& in = In(op.input);
    for (int y = 0; y < out.shape.height; ++y)
      for (int x = 0; x < out.shape.width; ++x)
        for (int c = 0; c < out.shape.channels; ++c) At(out, y, x, c) = in.At(y / op.factor, x / op.factor, c);
  }

  void Compute(const ResizeBilinear&, NaiveTensor&) {
    throw std::logic_error("the naive executor does not implement ResizeBilinear");
  }

  void Compute(const Unary& op, NaiveTensor& out) {
    for (std::size_t i = 0; i < out.data.size(); ++i)
      out.data[i] = Activate(In(op.input).data[i], op.activation, op.alpha);
  }

  void Compute(const PRelu& op, NaiveTensor& out) {
    const NaiveTensor& in = In(op.input);
    for (std::size_t i = 0; i < out.data.size(); ++i) {
      const float v = in.data[i];
      out.data[i] = v < 0 ? v * op.slopes[i % op.slopes.size()] : v;
    }
  }

  const Graph& graph_;
  const std::vector<Shape>& shapes_;
  std::vector<NaiveTensor> values_;
};

}  // namespace

std::vector<NaiveTensor> RunNaive(const Graph& graph, const std::vector<float>& input, int height, int width) {
  const std::vector<Shape> shapes = InferShapes(graph, height, width);
  if (input.size() != static_cast<std::size_t>(shapes[0].Elements())) throw std::invalid_argument("input size");
  return Executor(graph, shapes).Run(input);
}

}  // namespace faceloop::detect::nn
