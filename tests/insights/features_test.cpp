// The feature table: every numeric image-metadata field is binned, edges ascend, values land in
// the right bins and are read from the record's fields.
#include "insights/features.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "common/time.hpp"

namespace faceloop::insights {
namespace {

using requests::SearchType;

TEST(FeaturesTest, EveryNumericImageFieldIsAFeature) {
  for (const requests::SubFieldSpec& field : requests::ImageFields()) {
    if (field.search == SearchType::kKeyword) continue;  // the format: not a number
    EXPECT_NE(FindFeature("image." + std::string(field.name)), nullptr) << field.name;
  }
  for (const std::string_view name : {kLatencyFeature, kConfidenceFeature}) EXPECT_NE(FindFeature(name), nullptr);
}

TEST(FeaturesTest, NamesAreUniqueAndEdgesAscend) {
  std::set<std::string_view> names;
  for (const Feature& feature : Features()) {
    EXPECT_TRUE(names.insert(feature.name).second) << feature.name;
    ASSERT_GE(feature.edges.size(), 2u) << feature.name;
    for (std::size_t i = 1; i < feature.edges.size(); ++i) {
      EXPECT_LT(feature.edges[i - 1], feature.edges[i]) << feature.name << " edge " << i;
    }
  }
}

TEST(FeaturesTest, BinsClampOutsideTheEdges) {
  const Feature& score = *FindFeature("faces.confidence");
  EXPECT_EQ(BinOf(score, -1), 0u);
  EXPECT_EQ(BinOf(score, 0), 0u);
  EXPECT_EQ(BinOf(score, 0.049), 0u);
  EXPECT_EQ(BinOf(score, 0.05), 1u);
  EXPECT_EQ(BinOf(score, 1.0), score.bins() - 1);  // the last edge belongs to the last bin
  EXPECT_EQ(BinOf(score, 7), score.bins() - 1);
  EXPECT_DOUBLE_EQ(score.edges.back(), 1.0);
  const Feature& count = *FindFeature("face_count");
  EXPECT_EQ(BinOf(count, 3), 3u);  // integer bins [k, k+1) up to 10
  EXPECT_DOUBLE_EQ(count.edges[3], 3);
}

TEST(FeaturesTest, EdgeHelpers) {
  EXPECT_EQ(LinearEdges(0, 1, 0.25), (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
  EXPECT_DOUBLE_EQ(LinearEdges(0, 1, 0.02).back(), 1.0);
  EXPECT_EQ(GeometricEdges(1, 4, 2), (std::vector<double>{0, 1, 2, 4}));
  const auto ms = GeometricEdges(0.1, 120000, 1.15);
  EXPECT_GE(ms.back(), 120000);
  EXPECT_LT(ms.size(), 120u);
}

requests::RequestRecord Detected() {
  requests::RequestRecord r;
  r.received_at = ParseTimestamp("2026-11-01T10:20:30Z");
  r.face_count = 2;
  r.confidence_max = 0.99;
  r.total_ms = 42.5;
  r.image = {{"width", 640}, {"format", "png"}, {"has_alpha", true}, {"brightness", 0.4}};
  r.faces =
      nlohmann::json::array({{{"confidence", 0.99}, {"box", {{"height", 120.5}}}, {"quality", {{"sharpness", 0.3}}}},
                             {{"confidence", 0.6}, {"box", {{"height", 20}}}}});
  return r;
}

std::vector<double> Read(std::string_view name, const requests::RequestRecord& record) {
  std::vector<double> values;
  FindFeature(name)->read(record, values);
  return values;
}

TEST(FeaturesTest, DocsListEveryFeature) {
  std::ifstream in(std::string(FACELOOP_SOURCE_DIR) + "/docs/insights.md");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find(FeaturesMarkdown()), std::string::npos)
      << "docs/insights.md is out of date; its feature table must read:\n"
      << FeaturesMarkdown();
}

TEST(FeaturesTest, ReadsRecordFieldsImageMetadataAndFaces) {
  const auto r = Detected();
  EXPECT_EQ(Read("face_count", r), (std::vector<double>{2}));
  EXPECT_EQ(Read("confidence_max", r), (std::vector<double>{0.99}));
  EXPECT_EQ(Read("total_ms", r), (std::vector<double>{42.5}));
  EXPECT_EQ(Read("decode_ms", r), (std::vector<double>{}));  // absent
  EXPECT_EQ(Read("image.width", r), (std::vector<double>{640}));
  EXPECT_EQ(Read("image.has_alpha", r), (std::vector<double>{1}));
  EXPECT_EQ(Read("image.contrast", r), (std::vector<double>{}));
  EXPECT_EQ(Read("faces.confidence", r), (std::vector<double>{0.99, 0.6}));
  EXPECT_EQ(Read("faces.box.height", r), (std::vector<double>{120.5, 20}));
  EXPECT_EQ(Read("faces.quality.sharpness", r), (std::vector<double>{0.3}));
  requests::RequestRecord failed;  // a 4xx: no image, no faces
  failed.status = 415;
  for (const Feature& feature : Features()) EXPECT_TRUE(Read(feature.name, failed).empty()) << feature.name;
}

}  // namespace
}  // namespace faceloop::insights
