// The history's face-count filters (min_faces / max_faces, a failed request counting 0 faces) and
// the per-user request totals of the admins' user list, on SQLite and a real PostgreSQL.
#include <gtest/gtest.h>

#include "common/time.hpp"
#include "requests/store.hpp"
#include "requests/user_activity.hpp"
#include "support/migrated_database.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::requests {
namespace {

RequestRecord Record(const std::string& id, const std::string& user, const std::string& time,
                     std::optional<std::int64_t> faces) {
  RequestRecord r;
  r.request_id = id;
  r.user_id = user;
  r.received_at = ParseTimestamp(time);
  r.model_name = "m";
  r.status = faces ? 200 : 415;
  r.face_count = faces;
  r.image = nlohmann::json::object();
  r.faces = nlohmann::json::array();
  return r;
}

class FaceFilterActivityTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    db_->Transaction([](db::IDatabase& tx) {
      RequestStore::Insert(tx, Record("r1", "alice", "2026-11-01T10:00:00.000Z", 0));
      RequestStore::Insert(tx, Record("r2", "alice", "2026-11-02T10:00:00.000Z", 1));
      RequestStore::Insert(tx, Record("r3", "bob", "2026-11-03T10:00:00.000Z", 5));
      RequestStore::Insert(tx, Record("r4", "alice", "2026-11-04T10:00:00.000Z", std::nullopt));  // failed
    });
  }

  std::vector<std::string> Ids(const ListQuery& query) {
    std::vector<std::string> ids;
    for (const RequestRecord& r : RequestStore(*db_).List(query)) ids.push_back(r.request_id);
    return ids;
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
};

TEST_P(FaceFilterActivityTest, FaceCountBoundsAreInclusiveAndAFailedRequestHasNone) {
  ListQuery at_least_one;
  at_least_one.min_faces = 1;
  EXPECT_EQ(Ids(at_least_one), (std::vector<std::string>{"r3", "r2"}));
  ListQuery none;
  none.max_faces = 0;
  EXPECT_EQ(Ids(none), (std::vector<std::string>{"r4", "r1"}));
  ListQuery between;
  between.min_faces = 1;
  between.max_faces = 4;
  between.user_id = "alice";
  EXPECT_EQ(Ids(between), (std::vector<std::string>{"r2"}));
}

TEST_P(FaceFilterActivityTest, ActivityCountsEachUsersRequestsAndTheLastTime) {
  const auto totals = ActivityOf(*db_, {"alice", "bob", "carol"});
  ASSERT_EQ(totals.size(), 2u);  // carol made none
  EXPECT_EQ(totals.at("alice").request_count, 3);
  EXPECT_EQ(totals.at("alice").last_request_at, "2026-11-04T10:00:00.000Z");
  EXPECT_EQ(totals.at("bob").request_count, 1);
  EXPECT_TRUE(ActivityOf(*db_, {}).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, FaceFilterActivityTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace faceloop::requests
