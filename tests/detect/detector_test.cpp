// The built-in detectors on real pictures that every Debian machine has (python3-skimage's data):
// a frontal portrait, a man with a camera, a cat and a cup of coffee.
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/error.hpp"
#include "detect/pipeline.hpp"
#include "detect/registry.hpp"

namespace faceloop::detect {
namespace {

const std::filesystem::path kSkimageData = "/usr/lib/python3/dist-packages/skimage/data";

std::vector<std::uint8_t> ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class DetectorTest : public ::testing::Test {
 protected:
  DetectorRegistry registry_{ModelPaths{FACELOOP_MODELS_DIR}};

  DetectionResult Run(const std::string& picture, const std::string& model = DetectorRegistry::DefaultName(),
                      DetectOptions options = {}) {
    const auto detector = registry_.Create(model);
    return RunDetection(*detector, ReadBytes(kSkimageData / picture), options);
  }
};

TEST_F(DetectorTest, FindsTheAstronautsFace) {
  const DetectionResult result = Run("astronaut.png");
  ASSERT_EQ(result.faces.size(), 1u);
  const Face& face = result.faces[0];
  EXPECT_GT(face.confidence, 0.8f);
  // Her face spans roughly x 170..275, y 45..180 in the 512x512 picture.
  EXPECT_GT(IoU(face.box, Box{172, 50, 100, 128}), 0.6f);
  ASSERT_EQ(face.landmarks.size(), 6u);
  const auto& right_eye = face.landmarks[0];
  const auto& left_eye = face.landmarks[1];
  EXPECT_EQ(right_eye.type, "right_eye");
  EXPECT_LT(right_eye.x, left_eye.x) << "the subject's right eye is on the image's left";
  for (const Landmark& point : face.landmarks) {
    EXPECT_GE(point.x, face.box.x - 10);
    EXPECT_LE(point.x, face.box.x + face.box.width + 10);
  }
  EXPECT_EQ(result.metadata.width, 512);
  EXPECT_EQ(result.metadata.format, "png");
}

TEST_F(DetectorTest, FindsTheCameraman) {
  const DetectionResult result = Run("camera.png");
  ASSERT_EQ(result.faces.size(), 1u);
  EXPECT_GT(IoU(result.faces[0].box, Box{198, 110, 94, 72}), 0.5f);
}

TEST_F(DetectorTest, NoFacesOnCatOrCoffee) {
  EXPECT_TRUE(Run("chelsea.png").faces.empty());
  EXPECT_TRUE(Run("coffee.png").faces.empty());
}

TEST_F(DetectorTest, EveryBuiltInModelFindsTheAstronaut) {
  for (const std::string& name : registry_.Names()) {
    if (name == "mediapipe-short") continue;  // a selfie model: her face is too small for it at 128 px
    const DetectionResult result = Run("astronaut.png", name, DetectOptions{0.3f});
    ASSERT_FALSE(result.faces.empty()) << name;
    EXPECT_GT(IoU(result.faces[0].box, Box{172, 50, 100, 128}), 0.4f) << name;
  }
}

TEST_F(DetectorTest, MultiscaleKeepsTheFaceAndHonoursLimits) {
  DetectOptions options;
  options.multiscale = true;
  options.max_faces = 1;
  const DetectionResult result = Run("astronaut.png", DetectorRegistry::DefaultName(), options);
  ASSERT_EQ(result.faces.size(), 1u);
  EXPECT_GT(IoU(result.faces[0].box, Box{172, 50, 100, 128}), 0.6f);
}

TEST_F(DetectorTest, BoxesAreInOriginalPixelsAfterDctScaling) {
  // A 2048x2048 JPEG is decoded at 1/4 or 1/2 scale; boxes must still come back in its own pixels.
  cv::Mat image = cv::imread((kSkimageData / "astronaut.png").string());
  cv::resize(image, image, cv::Size(2048, 2048), 0, 0, cv::INTER_CUBIC);
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", image, jpeg);
  const auto detector = registry_.Create(DetectorRegistry::DefaultName());
  const DetectionResult result = RunDetection(*detector, jpeg, {});
  ASSERT_EQ(result.faces.size(), 1u);
  EXPECT_EQ(result.metadata.width, 2048);
  EXPECT_GT(IoU(result.faces[0].box, Box{172 * 4, 50 * 4, 400, 512}), 0.6f);
}

TEST_F(DetectorTest, UnknownModelIsAClientError) {
  try {
    registry_.Create("no-such-model");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.http_status(), 422);
  }
}

TEST_F(DetectorTest, BadBytesAreRejectedBeforeInference) {
  const auto detector = registry_.Create(DetectorRegistry::DefaultName());
  const std::string text = "this is not an image";
  const std::vector<std::uint8_t> bytes(text.begin(), text.end());
  try {
    RunDetection(*detector, bytes, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.http_status(), 415);
  }
}

}  // namespace
}  // namespace faceloop::detect
