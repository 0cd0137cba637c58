// The request sample (requests/sample.hpp): keys that depend on the id alone and spread evenly,
// plans exact under the cap, and, on SQLite and a real PostgreSQL, migration 7's column filled on
// insert and by FillSampleKeys, and a sampled read that returns exactly the records of its buckets.
#include "requests/sample.hpp"

#include <gtest/gtest.h>

#include <set>

#include "common/time.hpp"
#include "requests/aggregates.hpp"
#include "requests/store.hpp"
#include "support/migrated_database.hpp"
#include "support/scratch_postgres.hpp"
#include "support/servers.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::requests {
namespace {

TEST(SampleKeyTest, DependsOnTheIdAloneAndSpreadsEvenly) {
  EXPECT_EQ(SampleKey("r0000000000000000042"), SampleKey("r0000000000000000042"));
  std::vector<int> counts(kSampleBuckets);
  constexpr int kIds = 200000;
  for (int i = 0; i < kIds; ++i) {
    const std::int64_t key = SampleKey("r" + std::to_string(1000000 + i));  // ids differing at the end
    ASSERT_GE(key, 0);
    ASSERT_LT(key, kSampleBuckets);
    ++counts[static_cast<std::size_t>(key)];
  }
  // About 195 per bucket; a binomial's 6 standard deviations are +-84.
  for (const int count : counts) {
    EXPECT_GT(count, 110);
    EXPECT_LT(count, 280);
  }
  // The first 10 % of buckets hold about 10 % of the ids.
  int first = 0;
  for (std::int64_t b = 0; b < kSampleBuckets / 10; ++b) first += counts[static_cast<std::size_t>(b)];
  EXPECT_NEAR(first / static_cast<double>(kIds), (kSampleBuckets / 10) / static_cast<double>(kSampleBuckets), 0.005);
}

TEST(SamplePlanTest, ExactUnderTheCapElseProportional) {
  EXPECT_TRUE(PlanSample(0, 50000).exact());
  EXPECT_TRUE(PlanSample(50000, 50000).exact());
  EXPECT_EQ(SampleCondition(PlanSample(50000, 50000)), "");
  const SamplePlan half = PlanSample(100000, 50000);
  EXPECT_FALSE(half.exact());
  EXPECT_EQ(half.buckets, kSampleBuckets / 2);
  EXPECT_NEAR(half.fraction(), 0.5, 1e-12);
  EXPECT_EQ(PlanSample(1'000'000'000, 50000).buckets, 1);  // never empty
  EXPECT_EQ(SampleCondition(SamplePlan{3}), " AND sample_key IN (0, 1, 2)");
}

const Time kFrom = ParseTimestamp("2026-11-01T00:00:00Z");

class SampleStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    for (int i = 0; i < kRecords; ++i) {
      RequestRecord r;
      r.request_id = "s" + std::to_string(10000 + i);
      r.user_id = "u";
      r.received_at = kFrom + std::chrono::seconds(10 * i);
      r.model_name = "m";
      r.face_count = i % 4;
      r.image = {{"brightness", (i % 97) / 100.0}};
      RequestStore::Insert(*db_, r);
    }
  }

  std::multiset<double> Brightness(const SamplePlan& plan) {
    const ValueSample sample = SampleValues(*db_, kFrom, kFrom + std::chrono::days(1), {"image.brightness"}, plan);
    EXPECT_EQ(static_cast<std::size_t>(sample.rows), sample.columns[0].values.size());
    count_ = sample.rows;
    return {sample.columns[0].values.begin(), sample.columns[0].values.end()};
  }

  static constexpr int kRecords = 2000;
  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
  std::int64_t count_ = 0;
};

TEST_P(SampleStoreTest, InsertWritesTheKeyAndFillSampleKeysRepairsOldRows) {
  for (const db::Row& row : db_->Query("SELECT id, sample_key FROM requests")) {
    ASSERT_EQ(row.Get<std::int64_t>(1), SampleKey(row.Get<std::string>(0)));
  }
  // Rows stored before migration 7 have none, until the rebuild fills them.
  EXPECT_EQ(db_->Execute("UPDATE requests SET sample_key = NULL WHERE id < 's10500'"), 500);
  db_->Transaction([](db::IDatabase& tx) { EXPECT_EQ(RequestStore::FillSampleKeys(tx), 500); });
  for (const db::Row& row : db_->Query("SELECT id, sample_key FROM requests")) {
    ASSERT_EQ(row.Get<std::int64_t>(1), SampleKey(row.Get<std::string>(0)));
  }
  db_->Transaction([](db::IDatabase& tx) { EXPECT_EQ(RequestStore::FillSampleKeys(tx), 0); });
}

TEST_P(SampleStoreTest, ASampledReadReturnsExactlyItsBucketsRecords) {
  Brightness(SamplePlan{});
  EXPECT_EQ(count_, kRecords);  // exact: every record
  const SamplePlan plan = PlanSample(kRecords, 500);
  std::int64_t expected = 0;
  for (int i = 0; i < kRecords; ++i) expected += SampleKey("s" + std::to_string(10000 + i)) < plan.buckets ? 1 : 0;
  const auto first = Brightness(plan);
  EXPECT_EQ(count_, expected);
  EXPECT_NEAR(static_cast<double>(count_), 500, 100);
  EXPECT_EQ(Brightness(plan), first);  // the same records every time
  EXPECT_EQ(count_, expected);
}

INSTANTIATE_TEST_SUITE_P(Databases, SampleStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace faceloop::requests
