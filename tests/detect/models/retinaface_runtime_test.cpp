// RetinaFace's two runtimes agree: XNNPACK on the imported nn::Graph and OpenCV DNN on the rewritten
// ONNX file give the same head rows (loc and landmarks within 1e-4 relative, face probabilities
// within 1e-4) at several input sizes on the same instances, and the detectors built on them report
// the same faces in every mode.
#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "detect/models/retinaface.hpp"
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
  cv::RNG rng(20261129);
  rng.fill(noise, cv::RNG::UNIFORM, 0, 256);
  cv::Mat image;
  cv::resize(noise, image, cv::Size(500, 375), 0, 0, cv::INTER_CUBIC);
  return image;
}

/// A network input: the image's top-left corner cropped to multiples of 32, float, minus 110.
cv::Mat NetInput(const cv::Mat& rgb, int height, int width) {
  cv::Mat input;
  rgb(cv::Rect(0, 0, width, height)).convertTo(input, CV_32FC3, 1.0, -110.0);
  return input;
}

float FaceProbability(const float* conf, bool logits) {
  return logits ? 1.f / (1.f + std::exp(conf[0] - conf[1])) : conf[1];
}

float RelativeError(const float* a, const float* b, std::size_t count) {
  float worst = 0;
  for (std::size_t i = 0; i < count; ++i)
    worst = std::max(worst, std::abs(a[i] - b[i]) / std::max(1.f, std::abs(b[i])));
  return worst;
}

class RetinaFaceRuntimes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto onnx = ModelPaths{FACELOOP_MODELS_DIR}.RetinaFaceOnnx();
    if (std::filesystem::exists(onnx)) weights_ = RetinaFaceWeights::Load(onnx);
  }
  static void TearDownTestSuite() { weights_.reset(); }
  void SetUp() override {
    if (!weights_) GTEST_SKIP() << "RetinaFace weights missing (scripts/setup.sh)";
  }

  static inline std::shared_ptr<const RetinaFaceWeights> weights_;
};

TEST_F(RetinaFaceRuntimes, HeadRowsAgreeAtSeveralSizes) {
  const auto xnnpack = MakeXnnpackRetinaFaceNet(*weights_);
  const auto opencv = MakeOpenCvRetinaFaceNet(*weights_);
  const std::vector<std::pair<cv::Mat, cv::Size>> cases = {{Astronaut(), {512, 512}},
                                                           {PseudoRandomImage(), {480, 352}},
                                                           {Astronaut(), {320, 448}},
                                                           {Astronaut(), {512, 512}}};
  for (const auto& [image, size] : cases) {
    SCOPED_TRACE(::testing::Message() << "input " << size.width << "x" << size.height);
    ASSERT_FALSE(image.empty());
    const cv::Mat input = NetInput(image, size.height, size.width);
    const RetinaHeads expected = opencv->Run(input);
    const RetinaHeads actual = xnnpack->Run(input);
    ASSERT_EQ(actual.levels.size(), expected.levels.size());
    for (std::size_t l = 0; l < expected.levels.size(); ++l) {
      const HeadRows& a = actual.levels[l];
      const HeadRows& e = expected.levels[l];
      ASSERT_EQ(a.rows, e.rows) << "level " << l;
      EXPECT_LE(RelativeError(a.loc, e.loc, 4 * e.rows), kTolerance) << "loc, level " << l;
      EXPECT_LE(RelativeError(a.landmarks, e.landmarks, 10 * e.rows), kTolerance) << "landmarks, level " << l;
      float worst = 0;
      for (std::size_t r = 0; r < e.rows; ++r) {
        worst = std::max(worst, std::abs(FaceProbability(a.conf + 2 * r, actual.conf_are_logits) -
                                         FaceProbability(e.conf + 2 * r, expected.conf_are_logits)));
      }
      EXPECT_LE(worst, kTolerance) << "face probability, level " << l;
    }
  }
}

TEST_F(RetinaFaceRuntimes, DetectionsAgreeInEveryMode) {
  RetinaFaceDetector xnnpack(BuiltInRetinaFaceSpec(), MakeXnnpackRetinaFaceNet(*weights_));
  RetinaFaceDetector opencv(BuiltInRetinaFaceSpec(), MakeOpenCvRetinaFaceNet(*weights_));
  DetectOptions options;
  options.min_confidence = 0.3f;  // more faces to compare
  for (const cv::Mat& image : {Astronaut(), PseudoRandomImage()}) {
    for (DetectMode mode : {DetectMode::kFast, DetectMode::kAccurate, DetectMode::kCrowd}) {
      SCOPED_TRACE(::testing::Message() << ModeName(mode) << ", image " << image.cols << "x" << image.rows);
      options.mode = mode;
      const std::vector<Face> a = xnnpack.Detect(image, options), e = opencv.Detect(image, options);
      ASSERT_EQ(a.size(), e.size());
      for (std::size_t i = 0; i < e.size(); ++i) {
        EXPECT_NEAR(a[i].confidence, e[i].confidence, 1e-3f);
        EXPECT_NEAR(a[i].box.x, e[i].box.x, 0.5f);
        EXPECT_NEAR(a[i].box.y, e[i].box.y, 0.5f);
        EXPECT_NEAR(a[i].box.width, e[i].box.width, 0.5f);
        EXPECT_NEAR(a[i].box.height, e[i].box.height, 0.5f);
        for (std::size_t k = 0; k < e[i].landmarks.size(); ++k) {
          EXPECT_NEAR(a[i].landmarks[k].x, e[i].landmarks[k].x, 0.5f);
          EXPECT_NEAR(a[i].landmarks[k].y, e[i].landmarks[k].y, 0.5f);
        }
      }
    }
  }
  EXPECT_EQ(xnnpack.Detect(Astronaut(), {}).size(), 1u) << "the comparison saw her face";
}

}  // namespace
}  // namespace faceloop::detect
