// TfjsToGraph on small hand-built tfjs graphs: weight layouts, pad folding, activation fusion, resize
// factors, and the errors. (The real models are covered end to end by blazeface_runtime_test.cpp.)
#include "detect/import/tfjs_to_graph.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace faceloop::detect {
namespace {

// base64 of the attribute strings tfjs stores.
constexpr char kValid[] = "VkFMSUQ=";
constexpr char kSame[] = "U0FNRQ==";
constexpr char kBiasAdd[] = "Qmlhc0FkZA==";
constexpr char kRelu[] = "UmVsdQ==";

nlohmann::json UnitStrides() { return nlohmann::json::parse(R"({"list": {"i": ["1", "1", "1", "1"]}})"); }

class TfjsToGraphTest : public ::testing::Test {
 protected:
  TfjsToGraphTest() {
    Node("input", "Placeholder", {},
         nlohmann::json::parse(R"({"shape": {"shape": {"dim": [{"size": "1"}, {"size": "8"}, {"size": "8"},
                                                                {"size": "3"}]}}})"));
  }

  void Node(const std::string& name, const std::string& op, std::vector<std::string> inputs, nlohmann::json attr = {}) {
    graph_.nodes.push_back(TfjsNode{name, op, std::move(inputs), attr.is_null() ? nlohmann::json::object() : attr});
  }

  void Constant(const std::string& name, std::vector<int> shape, std::vector<float> values) {
    graph_.constants[name] = TfjsTensor{std::move(shape), std::move(values)};
  }

  /// A convolution node; `weights` HWIO (or HWCM when depthwise) with values 0, 1, 2, ...
  void Conv(const std::string& name, const std::string& input, std::vector<int> shape, bool depthwise,
            const char* padding, std::vector<const char*> fused) {
    std::vector<float> values(static_cast<std::size_t>(shape[0] * shape[1] * shape[2] * shape[3]));
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i);
    Constant(name + "/w", shape, values);
    const int out = depthwise ? shape[2] * shape[3] : shape[3];
    Constant(name + "/b", {out}, std::vector<float>(static_cast<std::size_t>(out), 0.5f));
    nlohmann::json attr;
    attr["strides"] = UnitStrides();
    attr["padding"]["s"] = padding;
    attr["fused_ops"]["list"]["s"] = fused;
    Node(name, depthwise ? "FusedDepthwiseConv2dNative" : "_FusedConv2D", {input, name + "/w", name + "/b"}, attr);
  }

  const nn::Node& Find(const nn::Graph& graph, const std::string& name) const {
    for (const nn::Node& node : graph.nodes) {
      if (node.name == name) return node;
    }
    throw std::runtime_error("no node " + name);
  }

  TfjsGraph graph_;
};

TEST_F(TfjsToGraphTest, WeightsBecomeOhwiAndDepthwiseBecomesGrouped) {
  Conv("conv", "input", {1, 2, 3, 4}, false, kValid, {kBiasAdd});
  Conv("dw", "conv", {1, 1, 4, 2}, true, kValid, {kBiasAdd});
  const nn::Graph graph = TfjsToGraph(graph_, {"dw"});
  const auto& conv = std::get<nn::Conv2D>(Find(graph, "conv").op);
  EXPECT_EQ(conv.out_channels, 4);
  // OHWI [o][0][x][i] = HWIO [0][x][i][o] = (x * 3 + i) * 4 + o.
  EXPECT_EQ(conv.weights[((2 * 1 + 0) * 2 + 1) * 3 + 2], static_cast<float>((1 * 3 + 2) * 4 + 2));
  const auto& dw = std::get<nn::Conv2D>(Find(graph, "dw").op);
  EXPECT_EQ(dw.groups, 4);
  EXPECT_EQ(dw.out_channels, 8);
  // Output channel c * M + m reads HWCM [0][0][c][m] = c * 2 + m: the identity order here.
  for (int o = 0; o < 8; ++o) EXPECT_EQ(dw.weights[static_cast<std::size_t>(o)], static_cast<float>(o));
  EXPECT_EQ(dw.bias, std::vector<float>(8, 0.5f));
  ASSERT_EQ(graph.outputs.size(), 1u);
  EXPECT_EQ(graph.nodes[static_cast<std::size_t>(graph.outputs[0])].name, "dw");
}

TEST_F(TfjsToGraphTest, SpatialPadFoldsIntoTheConvolutionAndChannelPadStays) {
  Constant("pads", {4, 2}, {0, 0, 1, 2, 3, 4, 0, 0});
  Node("pad", "Pad", {"input", "pads"});
  Conv("conv", "pad", {3, 3, 3, 4}, false, kValid, {kBiasAdd});
  Constant("channel_pads", {4, 2}, {0, 0, 0, 0, 0, 0, 1, 3});
  Node("widen", "Pad", {"conv", "channel_pads"});
  const nn::Graph graph = TfjsToGraph(graph_, {"widen"});
  const auto& conv = std::get<nn::Conv2D>(Find(graph, "conv").op);
  EXPECT_EQ(conv.input, 0);
  EXPECT_EQ(conv.padding.top, 1);
  EXPECT_EQ(conv.padding.bottom, 2);
  EXPECT_EQ(conv.padding.left, 3);
  EXPECT_EQ(conv.padding.right, 4);
  const auto& widen = std::get<nn::Pad>(Find(graph, "widen").op);
  EXPECT_EQ(widen.channels_before, 1);
  EXPECT_EQ(widen.channels_after, 3);
  EXPECT_EQ(nn::InferShapes(graph, 8, 8).back().channels, 8);
}

TEST_F(TfjsToGraphTest, ReluFusesOnlyIntoAValueNobodyElseReads) {
  Conv("private", "input", {1, 1, 3, 3}, false, kSame, {kBiasAdd});
  Node("private_relu", "Relu", {"private"});
  Conv("shared", "private_relu", {1, 1, 3, 3}, false, kSame, {kBiasAdd});
  Node("shared_relu", "Relu6", {"shared"});
  Node("sum", "AddV2", {"shared", "shared_relu"});
  Node("sum_relu", "Relu", {"sum"});
  const nn::Graph graph = TfjsToGraph(graph_, {"sum_relu"});
  EXPECT_EQ(std::get<nn::Conv2D>(Find(graph, "private").op).activation, nn::Activation::kRelu);
  EXPECT_EQ(std::get<nn::Conv2D>(Find(graph, "shared").op).activation, nn::Activation::kNone);
  EXPECT_EQ(std::get<nn::Unary>(Find(graph, "shared_relu").op).activation, nn::Activation::kRelu6);
  EXPECT_EQ(std::get<nn::Add>(Find(graph, "sum").op).activation, nn::Activation::kRelu);
  EXPECT_EQ(graph.nodes.size(), 5u);  // input, private, shared, shared_relu, sum
}

TEST_F(TfjsToGraphTest, ResizeTargetBecomesAFactorOfTheNominalSize) {
  Conv("conv", "input", {3, 3, 3, 2}, false, kValid, {kBiasAdd, kRelu});  // 8x8 -> 6x6
  Constant("size", {2}, {12, 18});
  Node("up", "ResizeBilinear", {"conv", "size"}, nlohmann::json::parse(R"({"half_pixel_centers": {"b": true}})"));
  Node("out", "Identity", {"up"});
  const nn::Graph graph = TfjsToGraph(graph_, {"out"});
  const auto& up = std::get<nn::ResizeBilinear>(Find(graph, "up").op);
  EXPECT_FLOAT_EQ(up.scale_h, 2.f);
  EXPECT_FLOAT_EQ(up.scale_w, 3.f);
  EXPECT_TRUE(up.half_pixel_centers);
  EXPECT_FALSE(up.align_corners);
  EXPECT_EQ(std::get<nn::Conv2D>(Find(graph, "conv").op).activation, nn::Activation::kRelu);
}

TEST_F(TfjsToGraphTest, UnsupportedOpsAndUnknownOutputsAreInternalErrors) {
  Node("shape", "Shape", {"input"});
  for (const char* output : {"shape", "nowhere"}) {
    try {
      TfjsToGraph(graph_, {std::string(output)});
      FAIL() << "expected an error for " << output;
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::kInternal);
      EXPECT_NE(std::string(error.what()).find(output), std::string::npos) << error.what();
    }
  }
}

}  // namespace
}  // namespace faceloop::detect
