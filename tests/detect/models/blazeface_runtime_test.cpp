// The two runtimes of the BlazeFace family agree: for every built-in model, XNNPACK's head maps equal
// OpenCV DNN's (the reference the models were validated on) within 1e-4 (absolute for values up to 1,
// relative above: the regressors are offsets in pixels), and the detectors built on them report the
// same faces (same count, boxes within 0.5 px).
#include <random>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "detect/import/tfjs_to_graph.hpp"
#include "detect/models/blazeface.hpp"
#include "detect/registry.hpp"

namespace faceloop::detect {
namespace {

constexpr float kTolerance = 1e-4f;

cv::Mat Astronaut() {
  cv::Mat bgr = cv::imread("/usr/lib/python3/dist-packages/skimage/data/astronaut.png", cv::IMREAD_COLOR);
  cv::Mat rgb;
  if (!bgr.empty()) cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  return rgb;
}

/// Smooth random shapes rather than white noise: activations then look like a photo's.
cv::Mat PseudoRandomImage() {
  cv::Mat noise(75, 100, CV_8UC3);
  cv::RNG rng(20260216);
  rng.fill(noise, cv::RNG::UNIFORM, 0, 256);
  cv::Mat image;
  cv::resize(noise, image, cv::Size(500, 375), 0, 0, cv::INTER_CUBIC);
  return image;
}

struct Model {
  BlazeFaceSpec spec;
  TfjsGraph tfjs;
  nn::Graph graph;
};

class BlazeFaceRuntimes : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    for (auto& [name, spec] : BuiltInBlazeFaceSpecs(FACELOOP_MODELS_DIR)) {
      TfjsGraph tfjs = LoadTfjsGraph(spec.model_json);
      nn::Graph graph = TfjsToGraph(tfjs, HeadNodes(spec));
      models_.emplace(name, Model{spec, std::move(tfjs), std::move(graph)});
    }
  }
  static void TearDownTestSuite() { models_.clear(); }

  const Model& model() const { return models_.at(GetParam()); }

  static inline std::map<std::string, Model> models_;
};

void ExpectSameMaps(const std::vector<nn::TensorView>& actual, const std::vector<nn::TensorView>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t o = 0; o < actual.size(); ++o) {
    const nn::Shape& a = actual[o].shape;
    const nn::Shape& e = expected[o].shape;
    ASSERT_TRUE(a.height == e.height && a.width == e.width && a.channels == e.channels) << "output " << o;
    float worst = 0;
    for (long i = 0; i < e.Elements(); ++i) {
      const float want = expected[o].data[i];
      worst = std::max(worst, std::abs(actual[o].data[i] - want) / std::max(1.f, std::abs(want)));
    }
    EXPECT_LE(worst, kTolerance) << "output " << o << " (" << e.height << "x" << e.width << "x" << e.channels << ")";
  }
}

TEST_P(BlazeFaceRuntimes, HeadMapsAgreeAtSeveralSizes) {
  const std::vector<std::string> heads = HeadNodes(model().spec);
  const auto xnnpack = MakeXnnpackHeadNet(model().graph);
  const auto opencv = MakeOpenCvHeadNet(model().tfjs, heads);
  const cv::Mat astronaut = Astronaut();
  ASSERT_FALSE(astronaut.empty());
  // The nominal size, a pyramid size, then the nominal size again on the same instances.
  const std::vector<int> sizes = {model().spec.input_size, model().spec.pyramid.front(), model().spec.input_size};
  for (const cv::Mat& image : {astronaut, PseudoRandomImage()}) {
    for (int long_side : sizes) {
      SCOPED_TRACE(::testing::Message() << "long side " << long_side << ", image " << image.cols << "x" << image.rows);
      const Letterbox box = Letterbox::Fit(image.size(), long_side, model().spec.align, false);
      const std::vector<nn::TensorView> expected = opencv->Run(image, box);
      ExpectSameMaps(xnnpack->Run(image, box), expected);
    }
  }
}

void ExpectSameFaces(const std::vector<Face>& actual, const std::vector<Face>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    EXPECT_NEAR(actual[i].confidence, expected[i].confidence, 1e-4f);
    EXPECT_NEAR(actual[i].box.x, expected[i].box.x, 0.5f);
    EXPECT_NEAR(actual[i].box.y, expected[i].box.y, 0.5f);
    EXPECT_NEAR(actual[i].box.width, expected[i].box.width, 0.5f);
    EXPECT_NEAR(actual[i].box.height, expected[i].box.height, 0.5f);
  }
}

TEST_P(BlazeFaceRuntimes, DetectionsAgreeInBothModes) {
  BlazeFaceDetector xnnpack(model().spec, MakeXnnpackHeadNet(model().graph));
  BlazeFaceDetector opencv(model().spec, MakeOpenCvHeadNet(model().tfjs, HeadNodes(model().spec)));
  DetectOptions options;
  options.min_confidence = 0.3f;  // more faces to compare
  for (const cv::Mat& image : {Astronaut(), PseudoRandomImage()}) {
    for (bool multiscale : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "multiscale " << multiscale << ", image " << image.cols << "x"
                                        << image.rows);
      options.multiscale = multiscale;
      ExpectSameFaces(xnnpack.Detect(image, options), opencv.Detect(image, options));
    }
  }
  options.multiscale = true;  // mediapipe-short sees her only in its larger passes
  EXPECT_FALSE(xnnpack.Detect(Astronaut(), options).empty()) << "the comparison saw at least one face";
}

INSTANTIATE_TEST_SUITE_P(BuiltIn, BlazeFaceRuntimes,
                         ::testing::Values("mediapipe-full", "mediapipe-short", "blazeface-back"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace faceloop::detect
