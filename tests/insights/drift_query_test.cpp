// The drift parameters: defaults relative to now, windows FROM..TO, feature lists, and a 422
// naming the parameter for each bad one.
#include "insights/drift_query.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/time.hpp"

namespace faceloop::insights {
namespace {

const Time kNow = ParseTimestamp("2026-11-20T10:17:00Z");

DriftQuery Parse(DriftParams params, int max_days = 366) { return ParseDriftQuery(params, max_days, kNow); }

/// The message of the refusal of `params` (empty when accepted).
std::string Refusal(DriftParams params, int max_days = 366) {
  try {
    Parse(std::move(params), max_days);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnprocessable);
    return e.what();
  }
  return "";
}

TEST(DriftQueryTest, DefaultsArePreviousSevenDaysAgainstTheLastDay) {
  const DriftQuery query = Parse({});
  EXPECT_EQ(FormatTimestamp(query.current.from), "2026-11-19T11:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(query.current.to), "2026-11-20T11:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(query.reference.from), "2026-11-12T11:00:00.000Z");
  EXPECT_EQ(query.reference.to, query.current.from);
  EXPECT_EQ(query.features.size(), Features().size());
  EXPECT_FALSE(query.model_version.has_value());
}

TEST(DriftQueryTest, WindowsAndFeaturesAsGiven) {
  const DriftQuery query = Parse({{"image.width,total_ms", "face_count", "total_ms"},
                                  "2026-11-01T00:00:00Z..2026-11-08T00:00:00Z",
                                  "2026-11-08T00:00:00Z..2026-11-09T00:00:00Z",
                                  "mnet-0.25"});
  ASSERT_EQ(query.features.size(), 3u);  // in the table's order, once each
  EXPECT_EQ(query.features[0]->name, "face_count");
  EXPECT_EQ(query.features[1]->name, "total_ms");
  EXPECT_EQ(query.features[2]->name, "image.width");
  EXPECT_EQ(FormatTimestamp(query.reference.to), "2026-11-08T00:00:00.000Z");
  EXPECT_EQ(*query.model_version, "mnet-0.25");
}

TEST(DriftQueryTest, BadParametersAreRefusedByName) {
  EXPECT_NE(Refusal({{"image.widht"}}).find("parameter feature names an unknown feature: image.widht"),
            std::string::npos);
  EXPECT_NE(Refusal({{"total_ms,"}}).find("parameter feature"), std::string::npos);
  EXPECT_NE(Refusal({{}, "2026-11-01T00:00:00Z"}).find("parameter reference must be FROM..TO"), std::string::npos);
  EXPECT_NE(Refusal({{}, std::nullopt, "2026-11-02T00:00:00Z..2026-11-01T00:00:00Z"}).find("parameter current"),
            std::string::npos);
  EXPECT_NE(Refusal({{}, std::nullopt, "inf..2026-11-01T00:00:00Z"}).find("parameter current"), std::string::npos);
  EXPECT_NE(Refusal({{}, "2026-11-01T00:30:00Z..2026-11-02T00:00:00Z"}).find("parameter reference must be a whole"),
            std::string::npos);
  EXPECT_NE(Refusal({{}, "2026-11-01T00:00:00Z..2026-12-01T00:00:00Z"}, 7).find("parameter reference is longer"),
            std::string::npos);
  EXPECT_NE(Refusal({{}, std::nullopt, std::nullopt, ""}).find("parameter model_version"), std::string::npos);
}

}  // namespace
}  // namespace faceloop::insights
