// The [scheduler] and [alerts] tables: defaults, TOML, environment over TOML, unknown keys, wrong
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
      ("faceloop_schedules_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".toml");
  std::ofstream(path) << toml;
  try {
    ResolveConfig(ConfigFlags{.config_file = path.string()}, env);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ScheduleConfigTest, Defaults) {
  const Config config = ResolveConfig({}, Env({}));
  EXPECT_TRUE(config.scheduler.enabled);
  EXPECT_EQ(config.scheduler.tick_ms, 5000);
  EXPECT_EQ(config.alerts.interval_s, 60);
  EXPECT_TRUE(config.alerts.webhook_allow.empty());
  EXPECT_EQ(config.alerts.max_age_h, 24);
}

TEST(ScheduleConfigTest, TomlThenEnvironment) {
  Config config;
  ApplyToml(
      config,
      "[scheduler]\nenabled = false\ntick_ms = 100\n[alerts]\ninterval_s = 1\nwebhook_allow = [\"127.0.0.1/32\"]\n",
      "t");
  EXPECT_FALSE(config.scheduler.enabled);
  EXPECT_EQ(config.scheduler.tick_ms, 100);
  EXPECT_EQ(config.alerts.interval_s, 1);
  EXPECT_EQ(config.alerts.webhook_allow, std::vector<std::string>{"127.0.0.1/32"});
  ApplyEnvironment(config, Env({{"FACELOOP_SCHEDULER_ENABLED", "true"},
                                {"FACELOOP_ALERTS_INTERVAL_S", "5"},
                                {"FACELOOP_ALERTS_WEBHOOK_ALLOW", "10.0.0.0/8,::1"}}));
  EXPECT_TRUE(config.scheduler.enabled);
  EXPECT_EQ(config.alerts.interval_s, 5);
  EXPECT_EQ(config.alerts.webhook_allow, (std::vector<std::string>{"10.0.0.0/8", "::1"}));
}

TEST(ScheduleConfigTest, BadValuesAreRefusedByName) {
  EXPECT_NE(Refusal("[alerts]\ncolour = 1\n").find("alerts.colour"), std::string::npos);
  EXPECT_NE(Refusal("[alerts]\ninterval_s = \"often\"\n").find("alerts.interval_s"), std::string::npos);
  EXPECT_NE(Refusal("[alerts]\ninterval_s = 0\n").find("alerts.interval_s"), std::string::npos);
  EXPECT_NE(Refusal("[scheduler]\nenabled = 1\n").find("scheduler.enabled"), std::string::npos);
  EXPECT_NE(Refusal("[scheduler]\ntick_ms = 1\n").find("scheduler.tick_ms"), std::string::npos);
  EXPECT_NE(Refusal("", Env({{"FACELOOP_ALERTS_INTERVAL_S", "soon"}})).find("FACELOOP_ALERTS_INTERVAL_S"),
            std::string::npos);
}

}  // namespace
}  // namespace faceloop::service
