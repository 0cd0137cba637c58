// The ONNX importer and the OpenCV rewrite on a tiny PyTorch-style detector built in the test
// (tiny_detector.hpp): the nn::Graph it produces, run by the reference interpreter
// (tests/detect/runtime/reference_net.hpp) and by XNNPACK, and the rewritten file, run by OpenCV
// DNN, must agree with each other and with a reference tensor kept below; and the real RetinaFace
// file, where scripts/setup.sh installed it.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/dnn.hpp>

#include "common/error.hpp"
#include "detect/import/onnx_graph.hpp"
#include "detect/import/onnx_opencv.hpp"
#include "detect/import/tiny_detector.hpp"
#include "detect/models/retinaface_net.hpp"
#include "detect/runtime/reference_net.hpp"
#include "detect/runtime/xnnpack_net.hpp"

namespace faceloop::detect {
namespace {

using testing::OnnxBuilder;
using testing::TinyDetector;

/// A deterministic NHWC input.
std::vector<float> PatternInput(int height, int width, int channels) {
  return OnnxBuilder::Pattern(static_cast<std::size_t>(height * width * channels), 0.25f, 1.f);
}

cv::Mat ToNchwBlob(const std::vector<float>& nhwc, int height, int width, int channels) {
  const int sizes[] = {1, channels, height, width};
  cv::Mat blob(4, sizes, CV_32F);
  for (int c = 0; c < channels; ++c)
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) blob.ptr<float>(0, c)[y * width + x] = nhwc[(y * width + x) * channels + c];
  return blob;
}

/// An ONNX output as the imported graph defines it: the parts' rows concatenated, softmax applied.
std::vector<float> Assemble(const OnnxOutput& output, const std::vector<nn::testing::RefTensor>& parts) {
  std::vector<float> rows;
  for (std::size_t part : output.parts) rows.insert(rows.end(), parts[part].values.begin(), parts[part].values.end());
  if (output.softmax) {
    for (std::size_t r = 0; r < rows.size(); r += static_cast<std::size_t>(output.row_size)) {
      const auto begin = rows.begin() + static_cast<std::ptrdiff_t>(r);
      const auto end = begin + output.row_size;
      const float top = *std::max_element(begin, end);
      float sum = 0;
      for (auto it = begin; it != end; ++it) sum += * it = std::exp(*it - top);
      for (auto it = begin; it != end; ++it) *it /= sum;
    }
  }
  return rows;
}

std::vector<cv::Mat> RunOpenCv(const std::string& onnx, const std::vector<cv::String>& names, const cv::Mat& blob) {
  cv::dnn::Net net = cv::dnn::readNetFromONNX(onnx.data(), onnx.size());
  net.setInput(blob);
  std::vector<cv::Mat> outputs;
  net.forward(outputs, names);
  return outputs;
}

void ExpectNear(const cv::Mat& opencv, const std::vector<float>& ours, float tolerance, const std::string& what) {
  ASSERT_EQ(opencv.total(), ours.size()) << what;
  const float* values = opencv.ptr<float>();
  float worst = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) worst = std::max(worst, std::abs(values[i] - ours[i]));
  EXPECT_LE(worst, tolerance) << what;
}

class TinyDetectorImport : public ::testing::Test {
 protected:
  OnnxModel model_ = OnnxModel::Parse(TinyDetector().Bytes());
  ImportedOnnx imported_ = ImportOnnx(model_);
};

TEST_F(TinyDetectorImport, FollowsTheShapePlumbing) {
  // The run-time target size of the FPN's Resize is lat1a's: twice lat2a's, at every input size.
  ASSERT_EQ(imported_.resize_factors.size(), 1u);
  EXPECT_EQ(imported_.resize_factors.at("up"), 2);
  EXPECT_EQ(imported_.reshape_rows.at("conf0/rows"), 2);
  EXPECT_EQ(imported_.reshape_rows.at("loc1/rows"), 4);
  ASSERT_EQ(imported_.outputs.size(), 2u);
  EXPECT_EQ(imported_.outputs[0].name, "loc");
  EXPECT_EQ(imported_.outputs[0].row_size, 4);
  EXPECT_FALSE(imported_.outputs[0].softmax);
  EXPECT_EQ(imported_.outputs[1].name, "conf");
  EXPECT_EQ(imported_.outputs[1].row_size, 2);
  EXPECT_TRUE(imported_.outputs[1].softmax);
  EXPECT_EQ(imported_.outputs[1].parts.size(), 2u);
}

TEST_F(TinyDetectorImport, FusesActivationsIntoTheirProducers) {
  int unary = 0;
  for (const nn::Node& node : imported_.graph.nodes) {
    unary += std::holds_alternative<nn::Unary>(node.op) ? 1 : 0;
    if (node.name == "c1") {
      const auto& conv = std::get<nn::Conv2D>(node.op);
      EXPECT_EQ(conv.activation, nn::Activation::kLeakyRelu);
      EXPECT_FLOAT_EQ(conv.alpha, 0.1f);
    }
    // Relu(Concat(m1, m2)) went into both convolutions.
    if (node.name == "m1" || node.name == "m2") {
      EXPECT_EQ(std::get<nn::Conv2D>(node.op).activation, nn::Activation::kRelu) << node.name;
    }
  }
  EXPECT_EQ(unary, 0);
}

TEST_F(TinyDetectorImport, OpenCvCannotRunTheFileAsExported) {
  // Why the rewrite exists: OpenCV 4.6 fixes shapes at load time and trips over the plumbing.
  const std::vector<std::uint8_t> bytes = TinyDetector().Bytes();
  const std::string original(bytes.begin(), bytes.end());
  const std::vector<float> input = PatternInput(16, 24, 3);
  EXPECT_THROW(RunOpenCv(original, {"loc", "conf"}, ToNchwBlob(input, 16, 24, 3)), cv::Exception);
}

TEST_F(TinyDetectorImport, ImportedGraphAndRewrittenFileAgreeAtSeveralSizes) {
  const std::string rewritten = RewriteForOpenCv(model_, imported_);
  for (const auto& [height, width] : {std::pair{16, 24}, std::pair{32, 8}, std::pair{4, 4}}) {
    const std::vector<float> input = PatternInput(height, width, 3);
    const auto parts = nn::testing::RunReference(imported_.graph, input, height, width);
    const auto opencv = RunOpenCv(rewritten, {"loc", "conf"}, ToNchwBlob(input, height, width, 3));
    const std::string size = std::to_string(width) + "x" + std::to_string(height);
    ExpectNear(opencv[0], Assemble(imported_.outputs[0], parts), 1e-4f, "loc at " + size);
    ExpectNear(opencv[1], Assemble(imported_.outputs[1], parts), 1e-5f, "conf at " + size);
    // Two anchors per cell at strides 2 and 4.
    EXPECT_EQ(opencv[1].size[1], 2 * (height / 2) * (width / 2) + 2 * (height / 4) * (width / 4)) << size;
  }
}

TEST_F(TinyDetectorImport, XnnpackRunsTheImportedGraph) {
  nn::XnnpackNet net(imported_.graph);
  for (const auto& [height, width] : {std::pair{16, 24}, std::pair{32, 8}, std::pair{16, 24}}) {
    const std::vector<float> input = PatternInput(height, width, 3);
    const auto expected = nn::testing::RunReference(imported_.graph, input, height, width);
    const std::vector<nn::TensorView> actual = net.Run(input.data(), height, width);
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t o = 0; o < actual.size(); ++o) {
      ASSERT_EQ(actual[o].shape.Elements(), static_cast<long>(expected[o].values.size()));
      for (std::size_t i = 0; i < expected[o].values.size(); ++i) {
        ASSERT_NEAR(actual[o].data[i], expected[o].values[i], 1e-4f) << "output " << o << " value " << i;
      }
    }
  }
}

TEST_F(TinyDetectorImport, MatchesTheKeptReferenceTensor) {
  // Produced once by this importer and the reference interpreter at 24x16 (and equal to OpenCV's output on
  // the rewritten file, see above); kept so that both cannot drift together.
  const std::vector<float> input = PatternInput(16, 24, 3);
  const auto parts = nn::testing::RunReference(imported_.graph, input, 16, 24);
  const std::vector<float> loc = Assemble(imported_.outputs[0], parts);
  const std::vector<float> conf = Assemble(imported_.outputs[1], parts);
  const std::vector<std::pair<std::size_t, float>> kLoc = {
      {0, -1.850543f}, {5, 2.432840f}, {333, 0.959282f}, {959, -0.112768f}};
  const std::vector<std::pair<std::size_t, float>> kConf = {{1, 0.007163f}, {100, 0.998471f}, {479, 0.556071f}};
  for (const auto& [index, value] : kLoc) EXPECT_NEAR(loc[index], value, 1e-4f) << "loc[" << index << "]";
  for (const auto& [index, value] : kConf) EXPECT_NEAR(conf[index], value, 1e-5f) << "conf[" << index << "]";
}

TEST(OnnxImport, UnsupportedOpsAreNamed) {
  OnnxBuilder b;
  b.Input("input", 3);
  b.Node("Erf", "mystery", {"input"});
  b.Output("mystery");
  const OnnxModel model = OnnxModel::Parse(b.Bytes());
  try {
    ImportOnnx(model);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Erf 'mystery'"), std::string::npos) << e.what();
  }
}

TEST(OnnxImport, ResizeToATargetThatIsNotAMultipleFails) {
  // "b" is "a" at stride 3 (43 vs 128 rows at the nominal input): resizing b to a's size is no
  // integer upsampling, which neither the nn::Graph nor the OpenCV rewrite could express.
  OnnxBuilder b;
  b.Input("input", 3);
  b.Conv("a", "input", 3, 4, 3, 2);
  b.Conv("b", "a", 4, 4, 3, 3);
  testing::AddResizeLike(b, "up", "b", "a");
  b.Output("up");
  const OnnxModel model = OnnxModel::Parse(b.Bytes());
  EXPECT_THROW(ImportOnnx(model), Error);
}

TEST(OnnxImport, NodesWithoutOutputsAreRefused) {
  // Found by onnx_fuzzer: a head Reshape without outputs was read past its (empty) output list.
  OnnxBuilder b = TinyDetector();
  for (auto& node : *b.model().mutable_graph()->mutable_node()) {
    if (node.name() == "conf0/rows") node.clear_output();
  }
  const OnnxModel model = OnnxModel::Parse(b.Bytes());
  EXPECT_THROW(ImportOnnx(model), Error);
}

TEST(OnnxImport, FloatShapeConstantsMustBeSmallIntegers) {
  // Found by onnx_fuzzer: a huge float in a Reshape's target shape was cast to int64.
  OnnxBuilder b = TinyDetector();
  auto& graph = *b.model().mutable_graph();
  for (auto& tensor : *graph.mutable_initializer()) {
    if (tensor.name() != "conf0/k") continue;
    tensor.clear_int64_data();
    tensor.set_data_type(onnx::TensorProto::FLOAT);
    tensor.add_float_data(-4e32f);
  }
  const OnnxModel model = OnnxModel::Parse(b.Bytes());
  EXPECT_THROW(ImportOnnx(model), Error);
}

TEST(OnnxImport, GarbageIsRejected) {
  const std::vector<std::uint8_t> bytes = {0x08, 0x06, 0x12, 0xff, 0xff, 0x01};
  EXPECT_THROW(OnnxModel::Parse(bytes), Error);
  EXPECT_THROW(OnnxModel::Parse(std::vector<std::uint8_t>{}), Error);  // no opset
}

const std::filesystem::path kRetinaFaceOnnx = FACELOOP_SOURCE_DIR "/models/retinaface/retinaface_mnet025.onnx";

TEST(RetinaFaceOnnx, ImportedGraphAgreesWithOpenCvOnTheRewrittenFile) {
  if (!std::filesystem::exists(kRetinaFaceOnnx)) GTEST_SKIP() << "run scripts/setup.sh for " << kRetinaFaceOnnx;
  const auto weights = RetinaFaceWeights::Load(kRetinaFaceOnnx);
  EXPECT_EQ(weights->graph.resize_factors.size(), 2u);
  const int height = 64, width = 96;
  std::vector<float> input = PatternInput(height, width, 3);
  const auto parts = nn::testing::RunReference(weights->graph.graph, input, height, width);
  const auto opencv =
      RunOpenCv(weights->opencv_onnx, {"loc", "conf", "landmarks"}, ToNchwBlob(input, height, width, 3));
  // 2 priors per cell at strides 8, 16, 32.
  EXPECT_EQ(opencv[1].size[1], 2 * (8 * 12 + 4 * 6 + 2 * 3));
  ExpectNear(opencv[0], Assemble(weights->graph.outputs[0], parts), 2e-3f, "loc");
  ExpectNear(opencv[1], Assemble(weights->graph.outputs[1], parts), 1e-4f, "conf");
  ExpectNear(opencv[2], Assemble(weights->graph.outputs[2], parts), 2e-3f, "landmarks");
}

}  // namespace
}  // namespace faceloop::detect
