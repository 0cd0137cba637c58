// The failed-authentication throttle and the login_failed address settings: defaults, TOML, checks.
#include <gtest/gtest.h>

#include <fstream>

#include "common/error.hpp"
#include "service/config.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::service {
namespace {

std::optional<std::string> NoEnv(const char*) { return std::nullopt; }

Config FromToml(const faceloop::testing::TempDir& dir, const std::string& toml) {
  const std::string path = (dir.path() / "c.toml").string();
  std::ofstream(path) << toml;
  ConfigFlags flags;
  flags.config_file = path;
  return ResolveConfig(flags, NoEnv);
}

TEST(AuthConfigTest, DefaultsThrottleAndTruncate) {
  const Config config = ResolveConfig({}, NoEnv);
  EXPECT_EQ(config.limits.auth_failures_per_client_per_minute, 10);
  EXPECT_EQ(config.limits.auth_failures_per_key_per_minute, 5);
  EXPECT_EQ(config.privacy.login_failed_client_ip, "truncated");
}

TEST(AuthConfigTest, TomlSetsThemAndBadValuesAreRefusedByName) {
  const faceloop::testing::TempDir dir;
  const Config config = FromToml(dir,
                                 "[limits]\nauth_failures_per_client_per_minute = 0\n"
                                 "auth_failures_per_key_per_minute = 3\n[privacy]\nlogin_failed_client_ip = \"off\"\n");
  EXPECT_EQ(config.limits.auth_failures_per_client_per_minute, 0);
  EXPECT_EQ(config.limits.auth_failures_per_key_per_minute, 3);
  EXPECT_EQ(config.privacy.login_failed_client_ip, "off");
  for (const char* bad :
       {"[privacy]\nlogin_failed_client_ip = \"hashed\"\n", "[limits]\nauth_failures_per_key_per_minute = -1\n"}) {
    try {
      FromToml(dir, bad);
      FAIL() << bad;
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_TRUE(what.find("login_failed_client_ip") != std::string::npos ||
                  what.find("auth_failures_per_*_per_minute") != std::string::npos)
          << what;
    }
  }
}

}  // namespace
}  // namespace faceloop::service
