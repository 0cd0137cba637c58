// The production benchmark's scoring as a unit: labels as WIDER truth (ignore boxes ignored), the
// overall AP and the strata by period, brightness and face size, on hand-made detections.
#include "labels/benchmark.hpp"

#include <gtest/gtest.h>

#include <map>

#include "common/error.hpp"
#include "common/time.hpp"

namespace faceloop::labels {
namespace {

LabelledImage Image(const std::string& id, const std::string& at, double brightness, std::vector<LabelBox> boxes) {
  LabelledImage image;
  image.record.request_id = id;
  image.record.received_at = ParseTimestamp(at);
  image.record.image = {{"width", 400}, {"height", 300}, {"brightness", brightness}};
  image.label.request_id = id;
  image.label.boxes = std::move(boxes);
  return image;
}

detect::Face Detection(float x, float y, float size, float confidence) {
  detect::Face face;
  face.box = {x, y, size, size};
  face.confidence = confidence;
  return face;
}

const std::vector<LabelledImage> kImages = {
    // November, dark: a large face found, a small face missed.
    Image("a", "2026-11-03T10:00:00.000Z", 0.1, {{10, 10, 100, 100, false}, {200, 200, 20, 20, false}}),
    // December, bright: a large face found; a detection on an ignore box counts for nothing.
    Image("b", "2026-12-01T00:00:00.000Z", 0.8, {{10, 10, 100, 100, false}, {200, 100, 50, 50, true}}),
    // December, bright: no faces; one false detection.
    Image("c", "2026-12-24T00:00:00.000Z", 0.7, {}),
};
const std::vector<std::vector<detect::Face>> kDetections = {
    {Detection(12, 12, 98, 0.9f)},
    {Detection(10, 10, 100, 0.8f), Detection(200, 100, 50, 0.95f)},
    {Detection(300, 10, 40, 0.5f)},
};

std::map<std::string, StratumScore> ByName(const std::vector<StratumScore>& scores) {
  std::map<std::string, StratumScore> named;
  for (const auto& score : scores) named[score.name] = score;
  return named;
}

TEST(BenchmarkTest, OverallApUsesTheWiderMatching) {
  const auto scores = Score(kImages, kDetections, {false, false, false}, {});
  ASSERT_EQ(scores.size(), 1u);
  EXPECT_EQ(scores[0].name, "all");
  EXPECT_EQ(scores[0].images, 3);
  EXPECT_EQ(scores[0].faces, 3);  // the ignore box is not a face
  EXPECT_EQ(scores[0].detections, 4);
  // 0.9 TP, 0.8 TP (recall 2/3, precision 1), 0.5 FP: AP = 2/3.
  EXPECT_NEAR(scores[0].ap, 2.0 / 3.0, 1e-9);
}

TEST(BenchmarkTest, FailedImagesAreLeftOut) {
  const auto scores = Score(kImages, kDetections, {false, false, true}, {});
  EXPECT_EQ(scores[0].images, 2);
  EXPECT_NEAR(scores[0].ap, 2.0 / 3.0, 1e-9);  // the false detection was on the failed image
}

TEST(BenchmarkTest, StrataByPeriodBrightnessAndFaceSize) {
  auto named = ByName(Score(kImages, kDetections, {false, false, false}, {StrataBy::kPeriod, "month"}));
  ASSERT_EQ(named.size(), 3u);
  EXPECT_NEAR(named["2026-11"].ap, 0.5, 1e-9);  // one of two faces, no false detection
  EXPECT_NEAR(named["2026-12"].ap, 1.0, 1e-9);  // the one face first, the false one after
  EXPECT_EQ(named["2026-12"].images, 2);

  named = ByName(Score(kImages, kDetections, {false, false, false}, {StrataBy::kBrightness, "month"}));
  EXPECT_EQ(named["dark (<0.3)"].faces, 2);
  EXPECT_EQ(named["bright (>=0.6)"].images, 2);

  named = ByName(Score(kImages, kDetections, {false, false, false}, {StrataBy::kFaceSize, "month"}));
  EXPECT_EQ(named["large"].faces, 2);
  EXPECT_NEAR(named["large"].ap, 1.0, 1e-9);  // both large faces found first; the small face is ignored here
  EXPECT_EQ(named["small"].faces, 1);
  EXPECT_NEAR(named["small"].ap, 0.0, 1e-9);
  EXPECT_EQ(named["tiny"].faces, 0);
}

TEST(BenchmarkTest, DayPeriodsAndStrataNames) {
  const auto named = ByName(Score(kImages, kDetections, {false, false, false}, {StrataBy::kPeriod, "day"}));
  EXPECT_TRUE(named.contains("2026-11-03"));
  EXPECT_TRUE(named.contains("2026-12-24"));
  EXPECT_EQ(ParseStrataBy("face_size", "--by"), StrataBy::kFaceSize);
  EXPECT_EQ(ParseStrataBy("", "--by"), StrataBy::kNone);
  try {
    ParseStrataBy("colour", "--by");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "--by must be period, brightness or face_size");
  }
}

}  // namespace
}  // namespace faceloop::labels
