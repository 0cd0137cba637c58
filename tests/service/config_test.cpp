#include "service/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "common/error.hpp"

namespace faceloop::service {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> values) {
  return [values](const char* name) -> std::optional<std::string> {
    const auto it = values.find(name);
    return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

std::string WriteToml(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("faceloop_config_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

TEST(ConfigTest, Defaults) {
  const Config config = ResolveConfig({}, FakeEnv({}));
  EXPECT_EQ(config.host, "127.0.0.1");
  EXPECT_EQ(config.port, 8080);
  EXPECT_EQ(config.data_dir, "./data");
}

TEST(ConfigTest, FlagsBeatEnvironmentBeatFile) {
  const std::string file = WriteToml(
      "listen = \"0.0.0.0:1000\"\ndata_dir = \"/file\"\nmodels_dir = \"/file-models\"\n"
      "[limits]\ndetect_workers = 3\n");
  const auto env = FakeEnv({{"FACELOOP_LISTEN", "10.0.0.1:2000"}, {"FACELOOP_DATA_DIR", "/env"}});

  Config config = ResolveConfig(ConfigFlags{.config_file = file}, env);
  EXPECT_EQ(config.host, "10.0.0.1");
  EXPECT_EQ(config.port, 2000);
  EXPECT_EQ(config.data_dir, "/env");
  EXPECT_EQ(config.models_dir, "/file-models");
  EXPECT_EQ(config.limits.detect_workers, 3);

  config = ResolveConfig(ConfigFlags{.listen = "127.0.0.1:0", .data_dir = "/flag", .config_file = file}, env);
  EXPECT_EQ(config.port, 0);
  EXPECT_EQ(config.data_dir, "/flag");
  std::filesystem::remove(file);
}

TEST(ConfigTest, UnknownTomlKeysAreNamed) {
  Config config;
  try {
    ApplyToml(config, "listen = \"127.0.0.1:1\"\nlisten_port = 3\n[limits]\nworkers = 2\n", "test.toml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
    EXPECT_NE(std::string(e.what()).find("listen_port"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("limits.workers"), std::string::npos) << e.what();
  }
}

TEST(ConfigTest, WrongTypesAndBadSyntaxAreErrors) {
  Config config;
  EXPECT_THROW(ApplyToml(config, "data_dir = 3\n", "t"), Error);
  EXPECT_THROW(ApplyToml(config, "[limits]\ndetect_workers = \"two\"\n", "t"), Error);
  EXPECT_THROW(ApplyToml(config, "listen = \n", "t"), Error);
  EXPECT_THROW(ResolveConfig(ConfigFlags{.config_file = "/nonexistent/faceloop.toml"}, FakeEnv({})), Error);
}

// Client-dated records are a test hook: off unless the file says so, and its table checked like the others.
TEST(ConfigTest, TestingAllowClientTime) {
  Config config;
  EXPECT_FALSE(config.testing.allow_client_time);
  ApplyToml(config, "[testing]\nallow_client_time = true\n", "t");
  EXPECT_TRUE(config.testing.allow_client_time);
  try {
    ApplyToml(config, "[testing]\nclock_offset = 3\n", "t");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("testing.clock_offset"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ApplyToml(config, "[testing]\nallow_client_time = \"yes\"\n", "t"), Error);
}

TEST(ConfigTest, InsightsWindowLimit) {
  EXPECT_EQ(ResolveConfig({}, FakeEnv({})).limits.insights_max_days, 366);
  const std::string file = WriteToml("[limits]\ninsights_max_days = 31\n");
  EXPECT_EQ(ResolveConfig(ConfigFlags{.config_file = file}, FakeEnv({})).limits.insights_max_days, 31);
  std::filesystem::remove(file);
  const std::string zero = WriteToml("[limits]\ninsights_max_days = 0\n");
  EXPECT_THROW(ResolveConfig(ConfigFlags{.config_file = zero}, FakeEnv({})), Error);
  std::filesystem::remove(zero);
}

TEST(ConfigTest, LabelImportLimit) {
  EXPECT_EQ(ResolveConfig({}, FakeEnv({})).limits.labels_import_max_mb, 16u);
  const std::string file = WriteToml("[limits]\nlabels_import_max_mb = 64\n");
  EXPECT_EQ(ResolveConfig(ConfigFlags{.config_file = file}, FakeEnv({})).limits.labels_import_max_mb, 64u);
  std::filesystem::remove(file);
  const std::string zero = WriteToml("[limits]\nlabels_import_max_mb = 0\n");
  EXPECT_THROW(ResolveConfig(ConfigFlags{.config_file = zero}, FakeEnv({})), Error);
  std::filesystem::remove(zero);
}

TEST(ConfigTest, InsightsDriftThresholds) {
  EXPECT_EQ(ResolveConfig({}, FakeEnv({})).insights.psi_alert, 0.25);
  const std::string file = WriteToml("[insights]\npsi_warn = 0.2\nmin_sample = 500\n");
  const Config config = ResolveConfig(ConfigFlags{.config_file = file}, FakeEnv({}));
  EXPECT_EQ(config.insights.psi_warn, 0.2);
  EXPECT_EQ(config.insights.min_sample, 500);
  EXPECT_EQ(config.insights.ks_alert, 0.1);  // not given: the default
  EXPECT_EQ(config.insights.alpha, 0.001);
  std::filesystem::remove(file);
  for (const char* bad :
       {"[insights]\npsi_warn = 0.3\n", "[insights]\nks_alert = nan\n", "[insights]\nmean_shift_alert = inf\n",
        "[insights]\nmin_sample = 0\n", "[insights]\nks_alert = -1\n", "[insights]\npsi = 1\n",
        "[insights]\nalpha = 0\n", "[insights]\nalpha = 1.5\n"}) {
    const std::string wrong = WriteToml(bad);
    EXPECT_THROW(ResolveConfig(ConfigFlags{.config_file = wrong}, FakeEnv({})), Error) << bad;
    std::filesystem::remove(wrong);
  }
}

TEST(ConfigTest, InsightsDriftThresholdsFromTheEnvironment) {
  const std::string file = WriteToml("[insights]\npsi_alert = 0.3\nmin_sample = 50\n");
  const Config config = ResolveConfig(ConfigFlags{.config_file = file}, FakeEnv({{"FACELOOP_INSIGHTS_PSI_ALERT", "0.4"},
                                                                                 {"FACELOOP_INSIGHTS_KS_ALERT", "0.2"},
                                                                                 {"FACELOOP_INSIGHTS_ALPHA", "0.01"}}));
  EXPECT_EQ(config.insights.psi_alert, 0.4);  // the environment beats the file
  EXPECT_EQ(config.insights.ks_alert, 0.2);
  EXPECT_EQ(config.insights.min_sample, 50);
  EXPECT_EQ(config.insights.alpha, 0.01);
  std::filesystem::remove(file);
  for (const auto& [name, value] : std::map<std::string, std::string>{{"FACELOOP_INSIGHTS_MIN_SAMPLE", "1.5"},
                                                                      {"FACELOOP_INSIGHTS_PSI_WARN", "0.1x"},
                                                                      {"FACELOOP_INSIGHTS_KS_ALERT", "inf"},
                                                                      {"FACELOOP_INSIGHTS_MEAN_SHIFT_ALERT", "nan"}}) {
    EXPECT_THROW(ResolveConfig({}, FakeEnv({{name, value}})), Error) << name;
  }
}

TEST(ConfigTest, ParseListen) {
  std::string host;
  int port = -1;
  ParseListen("[::1]:0", host, port);
  EXPECT_EQ(host, "[::1]");
  EXPECT_EQ(port, 0);
  EXPECT_THROW(ParseListen("localhost", host, port), Error);
  EXPECT_THROW(ParseListen("localhost:70000", host, port), Error);
  EXPECT_THROW(ParseListen(":80", host, port), Error);
  EXPECT_THROW(ParseListen("h:8x", host, port), Error);
}

}  // namespace
}  // namespace faceloop::service
