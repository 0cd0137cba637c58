// The [rating] and [datasets] tables: defaults, TOML, environment over TOML, unknown keys, wrong
// types and ranges refused naming the key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
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

std::string Refusal(const std::string& toml, const EnvLookup& env = Env({})) {
  const auto path =
      std::filesystem::temp_directory_path() /
      ("faceloop_rating_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".toml");
  std::ofstream(path) << toml;
  try {
    ResolveConfig(ConfigFlags{.config_file = path.string()}, env);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(RatingConfigTest, Defaults) {
  const Config config = ResolveConfig({}, Env({}));
  EXPECT_TRUE(config.rating.enabled);
  EXPECT_EQ(config.rating.period_days, 7);
  EXPECT_EQ(config.rating.predictions, 3);
  EXPECT_EQ(config.rating.link_ttl_days, 14);
  EXPECT_TRUE(config.datasets.training_use_default);
}

TEST(RatingConfigTest, TomlThenEnvironment) {
  Config config;
  ApplyToml(config,
            "[rating]\nenabled = false\nperiod_days = 1\npredictions = 5\nlink_ttl_days = 30\n"
            "[datasets]\ntraining_use_default = false\n",
            "t");
  EXPECT_FALSE(config.rating.enabled);
  EXPECT_EQ(config.rating.period_days, 1);
  EXPECT_EQ(config.rating.predictions, 5);
  EXPECT_EQ(config.rating.link_ttl_days, 30);
  EXPECT_FALSE(config.datasets.training_use_default);
  ApplyEnvironment(config, Env({{"FACELOOP_RATING_ENABLED", "true"},
                                {"FACELOOP_RATING_PERIOD_DAYS", "14"},
                                {"FACELOOP_DATASETS_TRAINING_USE_DEFAULT", "1"}}));
  EXPECT_TRUE(config.rating.enabled);
  EXPECT_EQ(config.rating.period_days, 14);
  EXPECT_TRUE(config.datasets.training_use_default);
}

TEST(RatingConfigTest, BadValuesAreRefusedByName) {
  EXPECT_NE(Refusal("[rating]\nperiod = 7\n").find("rating.period"), std::string::npos);
  EXPECT_NE(Refusal("[datasets]\ntraining_use = true\n").find("datasets.training_use"), std::string::npos);
  EXPECT_NE(Refusal("[rating]\nperiod_days = \"weekly\"\n").find("rating.period_days"), std::string::npos);
  EXPECT_NE(Refusal("[rating]\nperiod_days = 0\n").find("rating.period_days"), std::string::npos);
  EXPECT_NE(Refusal("[rating]\npredictions = 21\n").find("rating.predictions"), std::string::npos);
  EXPECT_NE(Refusal("[rating]\nlink_ttl_days = -1\n").find("rating.link_ttl_days"), std::string::npos);
  EXPECT_NE(Refusal("[datasets]\ntraining_use_default = 0\n").find("datasets.training_use_default"), std::string::npos);
  EXPECT_NE(Refusal("", Env({{"FACELOOP_DATASETS_TRAINING_USE_DEFAULT", "maybe"}}))
                .find("FACELOOP_DATASETS_TRAINING_USE_DEFAULT"),
            std::string::npos);
}

}  // namespace
}  // namespace faceloop::service
