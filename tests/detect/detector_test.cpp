// The built-in detectors on real pictures that every Debian machine has (python3-skimage's data):
// a frontal portrait, a man with a camera, a cat and a cup of coffee. The default detector is
// RetinaFace; its weights come from scripts/setup.sh.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/error.hpp"
#include "detect/decode/exif_fixtures.hpp"
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

// Her face spans roughly x 170..275, y 45..180 in the 512x512 picture.
const Box kAstronautFace{172, 50, 100, 128};

/// The default detector's answer for her, in any mode: one face, five named landmarks inside the box
/// (the subject's right eye on the image's left), quality, a near-frontal pose and a size.
void ExpectTheAstronaut(const DetectionResult& result) {
  ASSERT_EQ(result.faces.size(), 1u);
  const Face& face = result.faces[0];
  EXPECT_GT(face.confidence, 0.8f);
  EXPECT_GT(IoU(face.box, kAstronautFace), 0.6f);
  const std::vector<std::string> names = {"right_eye", "left_eye", "nose", "mouth_right", "mouth_left"};
  ASSERT_EQ(face.landmarks.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const Landmark& point = face.landmarks[i];
    EXPECT_EQ(point.type, names[i]);
    EXPECT_GT(point.x, face.box.x) << point.type;
    EXPECT_LT(point.x, face.box.x + face.box.width) << point.type;
    EXPECT_GT(point.y, face.box.y) << point.type;
    EXPECT_LT(point.y, face.box.y + face.box.height) << point.type;
  }
  EXPECT_LT(face.landmarks[0].x, face.landmarks[1].x) << "the subject's right eye is on the image's left";
  EXPECT_LT(face.landmarks[3].x, face.landmarks[4].x) << "so is the right corner of her mouth";
  ASSERT_TRUE(face.quality && face.pose && face.size);
  EXPECT_GT(face.quality->sharpness, 0.8f);
  EXPECT_GT(face.quality->brightness, 0.3f);
  EXPECT_LT(face.quality->brightness, 0.8f);
  EXPECT_LT(std::abs(face.pose->roll), 10.f);
  EXPECT_LT(std::abs(face.pose->yaw), 15.f);
  EXPECT_EQ(*face.size, FaceSize::kLarge);
}

TEST_F(DetectorTest, FindsTheAstronautsFace) {
  const DetectionResult result = Run("astronaut.png");
  ExpectTheAstronaut(result);
  EXPECT_EQ(result.mode, DetectMode::kFast);
  EXPECT_EQ(result.metadata.width, 512);
  EXPECT_EQ(result.metadata.format, "png");
}

TEST_F(DetectorTest, EveryModeFindsTheAstronaut) {
  for (DetectMode mode : {DetectMode::kFast, DetectMode::kAccurate, DetectMode::kCrowd}) {
    SCOPED_TRACE(std::string(ModeName(mode)));
    DetectOptions options;
    options.mode = mode;
    const DetectionResult result = Run("astronaut.png", DetectorRegistry::DefaultName(), options);
    ExpectTheAstronaut(result);
    EXPECT_EQ(result.mode, mode);
  }
}

TEST_F(DetectorTest, FacesCarryQualityPoseAndSizeInJson) {
  const nlohmann::json face = Run("astronaut.png").faces.at(0);
  EXPECT_TRUE(face.contains("box"));
  EXPECT_GT(face["quality"]["sharpness"].get<double>(), 0.0);
  EXPECT_TRUE(face["pose"].contains("yaw"));
  EXPECT_EQ(face["size"], "large");
}

TEST_F(DetectorTest, TheOlderAutoModelKeepsItsSixKeypoints) {
  const DetectionResult result = Run("astronaut.png", "auto");
  ASSERT_EQ(result.faces.size(), 1u);
  EXPECT_EQ(result.faces[0].landmarks.size(), 6u);
  EXPECT_TRUE(result.faces[0].pose) << "eyes, nose and mouth centre are enough for a pose";
}

TEST_F(DetectorTest, ExifRotatedPhotoGivesUprightPixels) {
  // Stored turned a quarter counter-clockwise, with EXIF orientation 6 ("turn clockwise to show").
  cv::Mat stored = cv::imread((kSkimageData / "astronaut.png").string());
  cv::rotate(stored, stored, cv::ROTATE_90_COUNTERCLOCKWISE);
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", stored, jpeg, {cv::IMWRITE_JPEG_QUALITY, 95});
  const auto bytes = testing::WithExif(jpeg, testing::TiffWithOrientation(6, false));
  const auto detector = registry_.Create(DetectorRegistry::DefaultName());
  const DetectionResult result = RunDetection(*detector, bytes, {});
  ASSERT_EQ(result.faces.size(), 1u);
  EXPECT_GT(IoU(result.faces[0].box, kAstronautFace), 0.6f);
  EXPECT_LT(result.faces[0].landmarks[0].x, result.faces[0].landmarks[1].x);
}

TEST_F(DetectorTest, FindsTheCameraman) {
  const DetectionResult result = Run("camera.png");
  ASSERT_EQ(result.faces.size(), 1u);
  EXPECT_GT(IoU(result.faces[0].box, Box{198, 110, 94, 72}), 0.5f);
}

TEST_F(DetectorTest, NoFacesOnCatOrCoffee) {
  for (DetectMode mode : {DetectMode::kFast, DetectMode::kAccurate, DetectMode::kCrowd}) {
    DetectOptions options;
    options.mode = mode;
    EXPECT_TRUE(Run("chelsea.png", DetectorRegistry::DefaultName(), options).faces.empty()) << ModeName(mode);
    EXPECT_TRUE(Run("coffee.png", DetectorRegistry::DefaultName(), options).faces.empty()) << ModeName(mode);
  }
}

TEST_F(DetectorTest, EveryBuiltInModelFindsTheAstronaut) {
  for (const std::string& name : registry_.Names()) {
    if (name == "mediapipe-short") continue;  // a selfie model: her face is too small for it at 128 px
    const DetectionResult result = Run("astronaut.png", name, DetectOptions{0.3f});
    ASSERT_FALSE(result.faces.empty()) << name;
    EXPECT_GT(IoU(result.faces[0].box, kAstronautFace), 0.4f) << name;
  }
}

TEST_F(DetectorTest, MultiscaleKeepsTheFaceAndHonoursLimits) {
  DetectOptions options;
  options.multiscale = true;
  options.max_faces = 1;
  const DetectionResult result = Run("astronaut.png", DetectorRegistry::DefaultName(), options);
  ASSERT_EQ(result.faces.size(), 1u);
  EXPECT_GT(IoU(result.faces[0].box, kAstronautFace), 0.6f);
  EXPECT_EQ(result.mode, DetectMode::kCrowd) << "multiscale is the older name of crowd";
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
