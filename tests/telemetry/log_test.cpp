#include "telemetry/log.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "common/error.hpp"

namespace faceloop::telemetry {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void Use(LogSettings settings) {
    ConfigureLogging(settings, [this](std::string_view line) { lines_.emplace_back(line); });
  }
  void TearDown() override { ConfigureLogging({}); }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, TextLinesCarryLevelComponentRequestIdAndFields) {
  Use({LogLevel::kInfo, LogFormat::kText});
  const ScopedRequestId id("r42");
  Logger("shipper").Warn("backend down", {{"backend", "search"}, {"attempt", 3}, {"why", "connection refused"}});
  ASSERT_EQ(lines_.size(), 1u);
  const std::string& line = lines_[0];
  EXPECT_NE(line.find(" warn [shipper] backend down"), std::string::npos) << line;
  EXPECT_NE(line.find("request_id=r42"), std::string::npos);
  EXPECT_NE(line.find("backend=search"), std::string::npos);
  EXPECT_NE(line.find("attempt=3"), std::string::npos);
  EXPECT_NE(line.find("why=\"connection refused\""), std::string::npos);
}

TEST_F(LogTest, JsonLinesAreOneObjectEach) {
  Use({LogLevel::kDebug, LogFormat::kJson});
  Logger("http").Error("request failed", {{"status", 500}, {"bad_utf8", std::string("\xff\xfe")}});
  ASSERT_EQ(lines_.size(), 1u);
  const nlohmann::json line = nlohmann::json::parse(lines_[0]);
  EXPECT_EQ(line["level"], "error");
  EXPECT_EQ(line["component"], "http");
  EXPECT_EQ(line["status"], 500);
  EXPECT_TRUE(line.contains("time"));
  EXPECT_FALSE(line.contains("request_id"));
}

TEST_F(LogTest, LevelsBelowTheSettingAreDropped) {
  Use({LogLevel::kWarn, LogFormat::kText});
  Logger("x").Info("quiet");
  Logger("x").Debug("quieter");
  Logger("x").Error("loud");
  EXPECT_EQ(lines_.size(), 1u);
}

TEST_F(LogTest, RequestIdIsPerThreadAndRestored) {
  Use({});
  {
    const ScopedRequestId outer("a");
    {
      const ScopedRequestId inner("b");
      EXPECT_EQ(CurrentRequestId(), "b");
    }
    EXPECT_EQ(CurrentRequestId(), "a");
    std::thread([] { EXPECT_EQ(CurrentRequestId(), ""); }).join();
  }
  EXPECT_EQ(CurrentRequestId(), "");
}

TEST(LogSettingsTest, NamesParseStrictly) {
  EXPECT_EQ(ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_THROW(ParseLogLevel("verbose"), Error);
  EXPECT_THROW(ParseLogFormat("xml"), Error);
}

}  // namespace
}  // namespace faceloop::telemetry
