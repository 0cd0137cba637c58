// The requests table through RequestStore, on SQLite and a real PostgreSQL: insert (idempotent),
// find, list with every filter and the cursor, purge.
#include "requests/store.hpp"

#include <gtest/gtest.h>

#include "common/time.hpp"
#include "db/migrations.hpp"
#include "db/postgres_database.hpp"
#include "db/sqlite_database.hpp"
#include "support/migrated_database.hpp"
#include "support/scratch_postgres.hpp"
#include "support/servers.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::requests {
namespace {

RequestRecord Record(const std::string& id, const std::string& user, const std::string& time, double confidence) {
  RequestRecord r;
  r.request_id = id;
  r.user_id = user;
  r.received_at = ParseTimestamp(time);
  r.model_name = "m";
  r.face_count = 1;
  r.confidence_max = confidence;
  r.image_key = "inputs/" + id + ".jpg";
  r.image = {{"format", "jpeg"}};
  r.faces = nlohmann::json::array({{{"confidence", confidence}}});
  return r;
}

class RequestStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    store_ = std::make_unique<RequestStore>(*db_);
    db_->Transaction([](db::IDatabase& tx) {
      RequestStore::Insert(tx, Record("r1", "alice", "2026-11-01T10:00:00.000Z", 0.9));
      RequestStore::Insert(tx, Record("r2", "alice", "2026-11-02T10:00:00.000Z", 0.4));
      RequestStore::Insert(tx, Record("r3", "bob", "2026-11-03T10:00:00.000Z", 0.7));
    });
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
  std::unique_ptr<RequestStore> store_;
};

std::vector<std::string> Ids(const std::vector<RequestRecord>& records) {
  std::vector<std::string> ids;
  for (const RequestRecord& r : records) ids.push_back(r.request_id);
  return ids;
}

TEST_P(RequestStoreTest, FindReadsBackWhatWasInserted) {
  const RequestRecord in = Record("r9", "carol", "2026-11-04T10:00:00.250Z", 0.8);
  db_->Transaction([&in](db::IDatabase& tx) { RequestStore::Insert(tx, in); });
  const auto out = store_->Find("r9");
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->received_at, in.received_at);
  EXPECT_EQ(out->faces, in.faces);
  EXPECT_EQ(out->image, in.image);
  EXPECT_EQ(out->confidence_max, 0.8);
  EXPECT_FALSE(out->key_id.has_value());
  EXPECT_FALSE(store_->Find("nope").has_value());
}

TEST_P(RequestStoreTest, InsertingTwiceKeepsOneRecord) {
  db_->Transaction([](db::IDatabase& tx) {
    // A re-delivery: refused, and said so (the rollups count only new records).
    EXPECT_FALSE(RequestStore::Insert(tx, Record("r1", "alice", "2026-11-01T10:00:00.000Z", 0.1)));
    EXPECT_TRUE(RequestStore::Insert(tx, Record("r4", "alice", "2026-11-04T10:00:00.000Z", 0.1)));
  });
  EXPECT_EQ(store_->Find("r1")->confidence_max, 0.9);
  EXPECT_EQ(store_->List({}).size(), 4u);
}

TEST_P(RequestStoreTest, ListFiltersAndPagesNewestFirst) {
  EXPECT_EQ(Ids(store_->List({})), (std::vector<std::string>{"r3", "r2", "r1"}));
  ListQuery alice;
  alice.user_id = "alice";
  EXPECT_EQ(Ids(store_->List(alice)), (std::vector<std::string>{"r2", "r1"}));
  ListQuery page;
  page.limit = 1;
  page.before_id = "r3";
  EXPECT_EQ(Ids(store_->List(page)), (std::vector<std::string>{"r2"}));
  ListQuery window;
  window.from = ParseTimestamp("2026-11-02T00:00:00Z");
  window.to = ParseTimestamp("2026-11-03T00:00:00Z");
  EXPECT_EQ(Ids(store_->List(window)), (std::vector<std::string>{"r2"}));
  ListQuery confident;
  confident.min_confidence = 0.5;
  confident.max_confidence = 0.8;
  EXPECT_EQ(Ids(store_->List(confident)), (std::vector<std::string>{"r3"}));
}

TEST_P(RequestStoreTest, PurgeRemovesOnlyThatUsersRecords) {
  EXPECT_EQ(store_->ImageKeysOf("alice"), (std::vector<std::string>{"inputs/r1.jpg", "inputs/r2.jpg"}));
  EXPECT_EQ(store_->PurgeUser("alice"), 2);
  EXPECT_EQ(Ids(store_->List({})), (std::vector<std::string>{"r3"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, RequestStoreTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace faceloop::requests
