// [retention] in the configuration: TOML, FACELOOP_RETENTION_* (which wins) and the checks.
#include <gtest/gtest.h>

#include <map>

#include "common/error.hpp"
#include "service/config.hpp"

namespace faceloop::service {
namespace {

EnvLookup Env(std::map<std::string, std::string> values) {
  return [values](const char* name) -> std::optional<std::string> {
    const auto it = values.find(name);
    return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(RetentionConfigTest, DefaultsKeepEverythingForever) {
  Config config;
  ApplyEnvironment(config, Env({}));
  EXPECT_EQ(config.retention.records_days, 0);
  EXPECT_EQ(config.retention.input_images_days, 0);
  EXPECT_EQ(config.retention.events_days, 0);
  EXPECT_EQ(config.retention.feedback_days, 0);
  EXPECT_EQ(config.retention.tombstone_days, 30);
}

TEST(RetentionConfigTest, EnvironmentBeatsToml) {
  Config config;
  ApplyToml(config, "[retention]\nrecords_days = 365\ninput_images_days = 30\n", "test.toml");
  ApplyEnvironment(config, Env({{"FACELOOP_RETENTION_INPUT_IMAGES_DAYS", "7"}}));
  EXPECT_EQ(config.retention.records_days, 365);
  EXPECT_EQ(config.retention.input_images_days, 7);
}

TEST(RetentionConfigTest, BadValuesAreRefusedByName) {
  Config config;
  try {
    ApplyToml(config, "[retention]\nrecord_days = 3\n", "test.toml");
    FAIL() << "unknown key accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("retention.record_days"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ApplyEnvironment(config, Env({{"FACELOOP_RETENTION_EVENTS_DAYS", "ten"}})), Error);
  const auto resolve = [](const std::string& name, const std::string& value) {
    return ResolveConfig({}, Env({{name, value}}));
  };
  EXPECT_THROW(resolve("FACELOOP_RETENTION_FEEDBACK_DAYS", "-1"), Error);
  EXPECT_THROW(resolve("FACELOOP_RETENTION_RECORDS_DAYS", "36601"), Error);
  EXPECT_THROW(resolve("FACELOOP_RETENTION_TOMBSTONE_DAYS", "0"), Error);
  EXPECT_EQ(resolve("FACELOOP_RETENTION_RECORDS_DAYS", "0").retention.records_days, 0);
}

}  // namespace
}  // namespace faceloop::service
