// The read-only aggregates over `requests`, on SQLite and a real PostgreSQL: TopScored scores as
// TermValue does (absent values count 0), filters at 1, orders and limits; RankPairs over
// SampleValues shares the ranks of ties and keeps tied values in one decile.
#include "requests/aggregates.hpp"

#include <gtest/gtest.h>

#include "common/time.hpp"
#include "db/migrations.hpp"
#include "db/postgres_database.hpp"
#include "db/sqlite_database.hpp"
#include "requests/store.hpp"
#include "support/migrated_database.hpp"
#include "support/scratch_postgres.hpp"
#include "support/servers.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::requests {
namespace {

const Time kFrom = ParseTimestamp("2026-11-01T00:00:00Z");
const Time kTo = ParseTimestamp("2026-11-02T00:00:00Z");

class AggregatesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
  }

  /// A successful request at minute `minute` of the window.
  void Add(const std::string& id, int minute, std::optional<double> total_ms, std::int64_t faces, double brightness,
           std::int64_t status = 200) {
    RequestRecord r;
    r.request_id = id;
    r.user_id = "u";
    r.received_at = kFrom + std::chrono::minutes(minute);
    r.model_name = "m";
    r.status = status;
    r.face_count = faces;
    r.total_ms = total_ms;
    r.image = {{"brightness", brightness}};
    RequestStore::Insert(*db_, r);
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
};

TEST_P(AggregatesTest, TopScoredScoresFiltersOrdersAndLimits) {
  Add("a", 1, 10, 1, 0.5);            // largest term 10 / 15: not unusual
  Add("b", 2, 30, 1, 0.5);            // slow: 30 / 15 = 2
  Add("c", 3, std::nullopt, 0, 0.5);  // no face: 1 (no latency counts 0)
  Add("d", 4, 20, 2, 0.9);            // |0.9 - 0.5| / 0.1 = 4
  Add("e", 5, 60, 1, 0.5, 415);       // failed: never scored
  Add("f", 24 * 60 + 1, 90, 1, 0.5);  // outside the window
  const std::vector<ScoreTerm> terms = {{"total_ms", ScoreTerm::Kind::kRatio, 0, 15},
                                        {"face_count", ScoreTerm::Kind::kZero, 0, 1},
                                        {"image.brightness", ScoreTerm::Kind::kDistance, 0.5, 0.1}};
  const auto scored = TopScored(*db_, kFrom, kTo, terms, 10);
  ASSERT_EQ(scored.size(), 3u);
  EXPECT_EQ(scored[0].id, "d");
  EXPECT_NEAR(scored[0].score, 4, 1e-9);
  EXPECT_EQ(scored[0].values, (std::vector<std::optional<double>>{20.0, 2.0, 0.9}));
  EXPECT_EQ(scored[1].id, "b");
  EXPECT_NEAR(scored[1].score, 2, 1e-9);
  EXPECT_EQ(scored[2].id, "c");
  EXPECT_NEAR(scored[2].score, 1, 1e-9);
  EXPECT_EQ(scored[2].values[0], std::nullopt);
  for (const ScoredRequest& s : scored) {
    double largest = 0;
    for (std::size_t i = 0; i < terms.size(); ++i) {
      if (s.values[i]) largest = std::max(largest, TermValue(terms[i], *s.values[i]));
    }
    EXPECT_NEAR(largest, s.score, 1e-9) << s.id;  // the SQL and TermValue agree
  }
  EXPECT_EQ(TopScored(*db_, kFrom, kTo, terms, 2).size(), 2u);
  EXPECT_TRUE(TopScored(*db_, kFrom, kTo, {}, 10).empty());
  EXPECT_NEAR(TermValue({"confidence_max", ScoreTerm::Kind::kBelow, 0, 0.8}, 0.4), 1.5, 1e-12);
  EXPECT_EQ(TermValue({"confidence_max", ScoreTerm::Kind::kBelow, 0, 0.8}, 0.9), 0);
}

TEST_P(AggregatesTest, RankedPairsShareTiedRanksAndDeciles) {
  Add("g1", 1, 1, 1, 0.2);
  Add("g2", 2, 2, 1, 0.2);
  Add("g3", 3, 3, 1, 0.4);
  Add("g4", 4, 4, 1, 0.6);
  Add("g5", 5, std::nullopt, 1, 0.8);  // no latency: not a pair
  const ValueSample sample = SampleValues(*db_, kFrom, kTo, {"image.brightness", "total_ms"}, SamplePlan{});
  ASSERT_EQ(sample.rows, 5);
  ASSERT_EQ(sample.columns.size(), 2u);
  EXPECT_EQ(sample.columns[1].order.size(), 4u);  // g5's latency is absent
  const auto tiles = RankPairs(sample.columns[0], sample.columns[1]);
  // x's average ranks 1.5 1.5 3 4 of n = 4: deciles floor((2r - 1) * 10 / 8) + 1 = 3 3 7 9.
  ASSERT_EQ(tiles.size(), 3u);
  EXPECT_EQ(tiles[0].tile, 3);
  EXPECT_EQ(tiles[0].count, 2);
  EXPECT_EQ(tiles[0].x_min, 0.2);
  EXPECT_EQ(tiles[0].x_max, 0.2);
  EXPECT_NEAR(tiles[0].values.y, 3, 1e-12);
  EXPECT_NEAR(tiles[0].ranks.x, 3, 1e-12);     // 1.5 + 1.5
  EXPECT_NEAR(tiles[0].ranks.y, 3, 1e-12);     // 1 + 2
  EXPECT_NEAR(tiles[0].ranks.xy, 4.5, 1e-12);  // 1.5 * 1 + 1.5 * 2
  EXPECT_EQ(tiles[1].tile, 7);
  EXPECT_EQ(tiles[2].tile, 9);
  EXPECT_NEAR(tiles[2].ranks.xx, 16, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(Databases, AggregatesTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace faceloop::requests
