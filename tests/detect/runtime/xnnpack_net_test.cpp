// XnnpackNet against the naive reference interpreter, one op kind at a time. Every graph runs at
// several input sizes in a row on the same instance (odd and even sizes, then the first again), so
// the re-planning and operator set-up on a size change are exercised too.
#include "detect/runtime/xnnpack_net.hpp"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "detect/runtime/reference_net.hpp"

namespace faceloop::detect::nn {
namespace {

constexpr float kTolerance = 1e-4f;  // absolute, or relative to values above 1

std::vector<float> RandomValues(std::size_t count, std::mt19937& rng, float scale) {
  std::uniform_real_distribution<float> value(-scale, scale);
  std::vector<float> values(count);
  for (float& v : values) v = value(rng);
  return values;
}

struct ConvSpec {
  int in = 3, out = 4, kernel = 3, stride = 1, dilation = 1, groups = 1;
  Padding padding;
  Activation activation = Activation::kNone;
  bool bias = true;
  float weight_scale = 0.5f;
};

Conv2D MakeConv(ValueId input, const ConvSpec& spec, std::mt19937& rng) {
  Conv2D conv;
  conv.input = input;
  conv.in_channels = spec.in;
  conv.out_channels = spec.out;
  conv.groups = spec.groups;
  conv.kernel_h = conv.kernel_w = spec.kernel;
  conv.stride_h = conv.stride_w = spec.stride;
  conv.dilation_h = conv.dilation_w = spec.dilation;
  conv.padding = spec.padding;
  conv.activation = spec.activation;
  conv.alpha = 0.1f;
  conv.weights = RandomValues(static_cast<std::size_t>(spec.out * spec.kernel * spec.kernel * (spec.in / spec.groups)),
                              rng, spec.weight_scale);
  if (spec.bias) conv.bias = RandomValues(static_cast<std::size_t>(spec.out), rng, 0.5f);
  return conv;
}

Padding Explicit(int top, int left, int bottom, int right) { return Padding{top, left, bottom, right, false}; }
Padding Same() { return Padding{0, 0, 0, 0, true}; }

/// A graph with an input of `channels` channels; the caller adds nodes and outputs.
Graph WithInput(int channels) {
  Graph graph;
  graph.Add("input", Input{channels});
  return graph;
}

class XnnpackNetTest : public ::testing::Test {
 protected:
  /// Runs `graph` at each size in turn on one instance and compares every output with the reference.
  void ExpectMatchesReference(const Graph& graph,
                              std::vector<std::pair<int, int>> sizes = {{9, 12}, {16, 7}, {9, 12}}) {
    XnnpackNet net(graph);
    const int channels = std::get<Input>(graph.nodes[0].op).channels;
    for (const auto& [height, width] : sizes) {
      SCOPED_TRACE(::testing::Message() << "input " << height << "x" << width);
      const std::vector<float> input =
          RandomValues(static_cast<std::size_t>(height * width * channels), rng_, input_scale_);
      const std::vector<TensorView> outputs = net.Run(input.data(), height, width);
      const std::vector<testing::RefTensor> expected = testing::RunReference(graph, input, height, width);
      ASSERT_EQ(outputs.size(), expected.size());
      for (std::size_t o = 0; o < outputs.size(); ++o) ExpectClose(outputs[o], expected[o]);
    }
  }

  static void ExpectClose(const TensorView& actual, const testing::RefTensor& expected) {
    ASSERT_EQ(actual.shape.height, expected.shape.height);
    ASSERT_EQ(actual.shape.width, expected.shape.width);
    ASSERT_EQ(actual.shape.channels, expected.shape.channels);
    int mismatches = 0;
    for (std::size_t i = 0; i < expected.values.size(); ++i) {
      const float want = expected.values[i];
      if (std::abs(actual.data[i] - want) > kTolerance * std::max(1.f, std::abs(want)) && ++mismatches <= 5) {
        ADD_FAILURE() << "element " << i << ": " << actual.data[i] << " != " << want;
      }
    }
    EXPECT_EQ(mismatches, 0);
  }

  std::mt19937 rng_{42};
  float input_scale_ = 1.f;
};

TEST_F(XnnpackNetTest, ConvolutionWithExplicitPaddingBiasAndRelu) {
  Graph graph = WithInput(3);
  graph.outputs = {graph.Add("conv", MakeConv(0, {3, 8, 3, 1, 1, 1, Explicit(1, 1, 1, 1), Activation::kRelu}, rng_))};
  ExpectMatchesReference(graph);
}

TEST_F(XnnpackNetTest, ConvolutionWithStrideAndSamePadding) {
  input_scale_ = 3.f;  // large enough for Relu6 to clip
  Graph graph = WithInput(3);
  const ValueId a = graph.Add("s2", MakeConv(0, {3, 6, 3, 2, 1, 1, Same(), Activation::kRelu6, true, 1.f}, rng_));
  const ValueId b = graph.Add("k5", MakeConv(a, {6, 5, 5, 2, 1, 1, Same()}, rng_));
  const ValueId c = graph.Add("1x1s2", MakeConv(0, {3, 4, 1, 2, 1, 1, Same()}, rng_));
  const ValueId d = graph.Add("asymmetric", MakeConv(0, {3, 4, 3, 2, 1, 1, Explicit(0, 0, 1, 1)}, rng_));
  graph.outputs = {a, b, c, d};
  ExpectMatchesReference(graph);
}

TEST_F(XnnpackNetTest, DilatedConvolution) {
  Graph graph = WithInput(4);
  const ValueId a = graph.Add("explicit", MakeConv(0, {4, 4, 3, 1, 2, 1, Explicit(2, 2, 2, 2)}, rng_));
  const ValueId b = graph.Add("same", MakeConv(0, {4, 3, 3, 1, 2, 1, Same()}, rng_));
  graph.outputs = {a, b};
  ExpectMatchesReference(graph);
}

TEST_F(XnnpackNetTest, GroupedAndDepthwiseConvolution) {
  Graph graph = WithInput(4);
  const ValueId grouped = graph.Add("grouped", MakeConv(0, {4, 6, 3, 1, 1, 2, Explicit(1, 1, 1, 1)}, rng_));
  const ValueId depthwise = graph.Add("dw", MakeConv(0, {4, 4, 3, 1, 1, 4, Same(), Activation::kRelu}, rng_));
  const ValueId multiplier = graph.Add("dw_x2", MakeConv(0, {4, 8, 3, 2, 1, 4, Explicit(1, 1, 1, 1)}, rng_));
  const ValueId strided = graph.Add("dw_s2", MakeConv(depthwise, {4, 4, 3, 2, 1, 4, Explicit(0, 0, 1, 1)}, rng_));
  graph.outputs = {grouped, depthwise, multiplier, strided};
  ExpectMatchesReference(graph);
}

TEST_F(XnnpackNetTest, ActivationsThatDoNotFuseRunAfterTheConvolution) {
  Graph graph = WithInput(3);
  ConvSpec leaky{3, 5, 3, 1, 1, 1, Same(), Activation::kLeakyRelu, false};
  ConvSpec sigmoid{3, 2, 1, 1, 1, 1, Padding{}, Activation::kSigmoid};
  graph.outputs = {graph.Add("leaky", MakeConv(0, leaky, rng_)), graph.Add("sigmoid", MakeConv(0, sigmoid, rng_))};
  ExpectMatchesReference(graph);
}

TEST_F(XnnpackNetTest, AddWithEachActivation) {
  Graph graph = WithInput(3);
  const ValueId conv = graph.Add("conv", MakeConv(0, {3, 3, 3, 1, 1, 1, Same()}, rng_));
  graph.outputs = {graph.Add("plain", Add{0, conv}), graph.Add("relu", Add{conv, 0, Activation::kRelu}),
                   graph.Add("relu6", Add{0, 0, Activation::kRelu6}),
                   graph.Add("leaky", Add{conv, conv, Activation::kLeakyRelu, 0.2f}),
                   graph.Add("sigmoid", Add{0, conv, Activation::kSigmoid})};
  ExpectMatchesReference(graph);
}

TEST_F(XnnpackNetTest, MaxPoolWithSameAndExplicitPadding) {
  Graph graph = WithInput(5);
  graph.outputs = {graph.Add("same", MaxPool{0, 2, 2, 2, 2, Same()}),
                   graph.Add("same3", MaxPool{0, 3, 3, 2, 2, Same()}),
                   graph.Add("explicit", MaxPool{0, 3, 3, 2, 2, Explicit(1, 1, 1, 1)}),
                   graph.Add("overlapping", MaxPool{0, 3, 2, 1, 1, Padding{}})};
  ExpectMatchesReference(graph);
}

TEST_F(XnnpackNetTest, SpatialAndChannelPadding) {
  Graph graph = WithInput(3);
  const ValueId spatial = graph.Add("spatial", Pad{0, Explicit(1, 0, 2, 3)});
  const ValueId channel = graph.Add("channel", Pad{0, Padding{}, 0, 5});
  const ValueId both = graph.Add("both", Pad{0, Explicit(1, 1, 1, 1), 2, 1});
  // A residual shortcut as BlazeFace has it: channel-padded input plus a wider convolution.
  const ValueId conv = graph.Add("conv", MakeConv(0, {3, 8, 3, 1, 1, 1, Same()}, rng_));
  const ValueId residual = graph.Add("residual", Add{channel, conv, Activation::kRelu});
  graph.outputs = {spatial, channel, both, residual};
  ExpectMatchesReference(graph);
}

TEST_F(XnnpackNetTest, ConcatOfConvolutionsIsWrittenInPlace) {
  Graph graph = WithInput(3);
  const ValueId a = graph.Add("a", MakeConv(0, {3, 4, 3, 1, 1, 1, Same(), Activation::kRelu}, rng_));
  const ValueId b = graph.Add("b", MakeConv(0, {3, 5, 1, 1, 1, 1, Padding{}}, rng_));
  const ValueId c = graph.Add("c", MakeConv(a, {4, 3, 3, 1, 1, 1, Same()}, rng_));  // reads a's strided slice
  const ValueId concat = graph.Add("concat", Concat{{a, b, c}});
  graph.outputs = {graph.Add("head", MakeConv(concat, {12, 2, 1, 1, 1, 1, Padding{}}, rng_)), concat};
  ExpectMatchesReference(graph);
}

TEST_F(XnnpackNetTest, ConcatCopiesWhatCannotBeWrittenInPlace) {
  Graph graph = WithInput(3);
  const ValueId conv = graph.Add("conv", MakeConv(0, {3, 3, 3, 1, 1, 1, Same()}, rng_));
  const ValueId sum = graph.Add("sum", Add{0, conv});  // Add reads conv: conv keeps its own buffer
  const ValueId up = graph.Add("up", UpsampleNearest{graph.Add("pool", MaxPool{0, 2, 2, 2, 2, Same()}), 2});
  graph.outputs = {graph.Add("concat", Concat{{0, sum, conv, 0}}), sum};
  graph.outputs.push_back(graph.Add("with_up", Concat{{conv, up}}));
  ExpectMatchesReference(graph, {{8, 12}, {6, 4}, {8, 12}});  // even sizes: pool then x2 matches the input
}

TEST_F(XnnpackNetTest, UpsampleNearest) {
  Graph graph = WithInput(3);
  graph.outputs = {graph.Add("x2", UpsampleNearest{0, 2}), graph.Add("x3", UpsampleNearest{0, 3})};
  ExpectMatchesReference(graph);
}

TEST_F(XnnpackNetTest, ResizeBilinearInEveryCoordinateMode) {
  Graph graph = WithInput(4);
  graph.outputs = {graph.Add("half_pixel", ResizeBilinear{0, 2, 2, false, true}),
                   graph.Add("align_corners", ResizeBilinear{0, 2, 2, true, false}),
                   graph.Add("legacy", ResizeBilinear{0, 2, 2, false, false}),
                   graph.Add("non_integer", ResizeBilinear{0, 1.5f, 2.5f, false, true})};
  ExpectMatchesReference(graph);
}

TEST_F(XnnpackNetTest, UnaryActivationsAndPRelu) {
  input_scale_ = 8.f;
  Graph graph = WithInput(3);
  for (Activation activation :
       {Activation::kNone, Activation::kRelu, Activation::kRelu6, Activation::kLeakyRelu, Activation::kSigmoid}) {
    graph.outputs.push_back(graph.Add("unary", Unary{0, activation, 0.3f}));
  }
  graph.outputs.push_back(graph.Add("prelu", PRelu{0, {0.1f, -0.5f, 2.f}}));
  ExpectMatchesReference(graph);
}

TEST_F(XnnpackNetTest, LargeInputsRunWithOperatorsParkedInBetween) {
  // Above VGA size every operator is set up just before it runs and parked after; a small input in
  // between uses the cached set-up, and the large one must then set everything up again.
  Graph graph = WithInput(3);
  const ValueId conv = graph.Add("conv", MakeConv(0, {3, 6, 3, 2, 1, 1, Same(), Activation::kRelu}, rng_));
  const ValueId dw = graph.Add("dw", MakeConv(conv, {6, 6, 3, 1, 1, 6, Explicit(1, 1, 1, 1)}, rng_));
  const ValueId sum = graph.Add("sum", Add{conv, dw, Activation::kRelu6});
  const ValueId pool = graph.Add("pool", MaxPool{sum, 2, 2, 2, 2, Same()});
  const ValueId up = graph.Add("up", ResizeBilinear{pool, 2, 2, false, true});
  // Convolutions of the input run in bands in large runs: SAME and explicit padding, a 5x5 kernel,
  // dilation, a depthwise one, and one written into a Concat slice.
  const ValueId k5 = graph.Add("k5", MakeConv(0, {3, 4, 5, 2, 1, 1, Same()}, rng_));
  const ValueId dilated = graph.Add("dilated", MakeConv(0, {3, 2, 3, 1, 2, 1, Explicit(2, 1, 0, 3)}, rng_));
  const ValueId depthwise = graph.Add("depthwise", MakeConv(0, {3, 3, 3, 2, 1, 3, Explicit(0, 0, 1, 1)}, rng_));
  const ValueId sliced = graph.Add("sliced", MakeConv(0, {3, 2, 3, 2, 1, 1, Same()}, rng_));
  graph.outputs = {graph.Add("concat", Concat{{sliced, up}}), pool, k5, dilated, depthwise};
  ExpectMatchesReference(graph, {{600, 800}, {48, 64}, {600, 800}, {48, 64}});
}

TEST_F(XnnpackNetTest, LargeOddInputsInBands) {
  Graph graph = WithInput(3);
  graph.outputs = {graph.Add("same5", MakeConv(0, {3, 4, 5, 2, 1, 1, Same(), Activation::kRelu}, rng_)),
                   graph.Add("same3", MakeConv(0, {3, 4, 3, 2, 1, 1, Same()}, rng_)),
                   graph.Add("explicit", MakeConv(0, {3, 5, 3, 3, 1, 1, Explicit(1, 2, 0, 1)}, rng_))};
  ExpectMatchesReference(graph, {{601, 799}, {799, 601}});
}

TEST_F(XnnpackNetTest, OutputsStayValidUntilTheNextRun) {
  Graph graph = WithInput(3);
  graph.outputs = {graph.Add("conv", MakeConv(0, {3, 4, 3, 1, 1, 1, Same()}, rng_))};
  XnnpackNet net(graph);
  const std::vector<float> input(5 * 6 * 3, 0.25f);
  const TensorView first = net.Run(input.data(), 5, 6).at(0);
  const std::vector<float> copy(first.data, first.data + first.shape.Elements());
  const TensorView again = net.Run(input.data(), 5, 6).at(0);
  EXPECT_EQ(std::vector<float>(again.data, again.data + again.shape.Elements()), copy);
}

TEST(XnnpackNetErrors, WhatXnnpackRefusesNamesTheNode) {
  Graph graph = WithInput(3);
  graph.outputs = {graph.Add("pointless_pool", MaxPool{0, 1, 1, 2, 2, Padding{}})};  // 1x1 pooling
  try {
    XnnpackNet net(graph);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInternal);
    EXPECT_NE(std::string(error.what()).find("pointless_pool"), std::string::npos) << error.what();
  }
}

TEST(XnnpackNetErrors, MalformedGraphIsInternal) {
  std::mt19937 rng(1);
  Graph graph = WithInput(3);
  Conv2D conv = MakeConv(0, {3, 4, 3, 1, 1, 1, Same()}, rng);
  conv.weights.pop_back();
  graph.outputs = {graph.Add("short_weights", conv)};
  try {
    XnnpackNet net(graph);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInternal);
    EXPECT_NE(std::string(error.what()).find("short_weights"), std::string::npos) << error.what();
  }
}

TEST(XnnpackNetErrors, InputTooSmallIsUnprocessableAndTheNetStillWorks) {
  std::mt19937 rng(2);
  Graph graph = WithInput(3);
  graph.outputs = {graph.Add("valid", MakeConv(0, {3, 2, 5, 1, 1, 1, Padding{}}, rng))};
  XnnpackNet net(graph);
  const std::vector<float> input(8 * 8 * 3, 0.5f);
  try {
    net.Run(input.data(), 3, 3);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kUnprocessable);
  }
  const std::vector<TensorView> outputs = net.Run(input.data(), 8, 8);
  EXPECT_EQ(outputs.at(0).shape.height, 4);
}

}  // namespace
}  // namespace faceloop::detect::nn
