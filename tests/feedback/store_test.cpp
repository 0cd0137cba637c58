// The feedback table through FeedbackStore, on SQLite and a real PostgreSQL: save and replace
// (created_at kept), find, list, delete, one-time tokens, purge with either account.
#include "feedback/store.hpp"

#include <gtest/gtest.h>

#include "common/time.hpp"
#include "db/migrations.hpp"
#include "db/postgres_database.hpp"
#include "db/sqlite_database.hpp"
#include "support/error_code.hpp"
#include "support/migrated_database.hpp"
#include "support/scratch_postgres.hpp"
#include "support/servers.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::feedback {
namespace {

using faceloop::testing::CodeOf;

Feedback Make(const std::string& request, const std::string& user, const std::string& owner, const std::string& at) {
  Feedback f;
  f.request_id = request;
  f.user_id = user;
  f.request_user_id = owner;
  f.request_received_at = ParseTimestamp("2026-11-01T10:00:00.125Z");
  f.verdict = Verdict::kPartlyCorrect;
  f.wrong_faces = {0, 2};
  f.missed_faces = {{1.5, 2, 30, 40.25}};
  f.rating = 3;
  f.comment = "près";
  f.created_at = ParseTimestamp(at);
  f.updated_at = ParseTimestamp(at);
  return f;
}

class FeedbackStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    store_ = std::make_unique<FeedbackStore>(*db_);
  }

  std::int64_t Count(const std::string& table) {
    return db_->QueryOne("SELECT COUNT(*) FROM " + table)->Get<std::int64_t>(0);
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
  std::unique_ptr<FeedbackStore> store_;
};

TEST_P(FeedbackStoreTest, SavesAndReadsBackEveryField) {
  const Feedback in = Make("r1", "alice", "alice", "2026-11-02T10:00:00.000Z");
  const Feedback saved = store_->Save(in);
  const auto out = store_->Find("r1", "alice");
  ASSERT_TRUE(out.has_value());
  for (const Feedback* f : {&saved, &*out}) {
    EXPECT_EQ(f->request_received_at, in.request_received_at);
    EXPECT_EQ(f->verdict, in.verdict);
    EXPECT_EQ(f->wrong_faces, in.wrong_faces);
    EXPECT_EQ(f->missed_faces, in.missed_faces);
    EXPECT_EQ(f->rating, in.rating);
    EXPECT_EQ(f->comment, in.comment);
    EXPECT_EQ(f->channel, Channel::kApi);
    EXPECT_EQ(f->created_at, in.created_at);
  }
  EXPECT_FALSE(store_->Find("r1", "bob").has_value());
}

TEST_P(FeedbackStoreTest, ReplacingKeepsOneRowAndItsCreationTime) {
  store_->Save(Make("r1", "alice", "alice", "2026-11-02T10:00:00.000Z"));
  Feedback again = Make("r1", "alice", "alice", "2026-11-03T10:00:00.000Z");
  again.verdict = Verdict::kCorrect;
  again.wrong_faces.clear();
  again.missed_faces.clear();
  again.rating.reset();
  again.comment.reset();
  const Feedback saved = store_->Save(again);
  EXPECT_EQ(Count("feedback"), 1);
  EXPECT_EQ(saved.verdict, Verdict::kCorrect);
  EXPECT_TRUE(saved.wrong_faces.empty());
  EXPECT_FALSE(saved.rating.has_value());
  EXPECT_FALSE(saved.comment.has_value());
  EXPECT_EQ(saved.created_at, ParseTimestamp("2026-11-02T10:00:00Z"));
  EXPECT_EQ(saved.updated_at, ParseTimestamp("2026-11-03T10:00:00Z"));
}

TEST_P(FeedbackStoreTest, ListsPerRequestAndDeletes) {
  store_->Save(Make("r1", "alice", "alice", "2026-11-02T10:00:00.000Z"));
  store_->Save(Make("r1", "ana", "alice", "2026-11-02T11:00:00.000Z"));
  store_->Save(Make("r2", "alice", "alice", "2026-11-02T12:00:00.000Z"));
  const auto list = store_->ListForRequest("r1");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].user_id, "alice");
  EXPECT_EQ(list[1].user_id, "ana");
  EXPECT_TRUE(store_->Delete("r1", "ana"));
  EXPECT_FALSE(store_->Delete("r1", "ana"));
  EXPECT_EQ(store_->ListForRequest("r1").size(), 1u);
}

TEST_P(FeedbackStoreTest, ATokenSavesOnceAndARefusalWritesNothing) {
  const auto expires = ParseTimestamp("2026-11-09T10:00:00Z");
  store_->SaveWithToken(Make("r1", "alice", "alice", "2026-11-02T10:00:00.000Z"), "t1", expires);
  Feedback again = Make("r1", "alice", "alice", "2026-11-02T11:00:00.000Z");
  again.rating = 5;
  EXPECT_EQ(CodeOf([&] { store_->SaveWithToken(again, "t1", expires); }), ErrorCode::kConflict);
  EXPECT_EQ(store_->Find("r1", "alice")->rating, 3);  // the refused use changed nothing
  EXPECT_EQ(store_->SaveWithToken(again, "t2", expires).rating, 5);
  EXPECT_EQ(store_->ForgetExpiredTokens(ParseTimestamp("2026-11-08T00:00:00Z")), 0);
  EXPECT_EQ(store_->ForgetExpiredTokens(ParseTimestamp("2026-11-10T00:00:00Z")), 2);
}

TEST_P(FeedbackStoreTest, PurgeRemovesFeedbackByAndAboutTheUser) {
  store_->Save(Make("r1", "alice", "alice", "2026-11-02T10:00:00.000Z"));  // by alice, on hers
  store_->Save(Make("r1", "ana", "alice", "2026-11-02T10:00:00.000Z"));    // by an analyst, on alice's
  store_->Save(Make("r3", "alice", "bob", "2026-11-02T10:00:00.000Z"));    // by alice (analyst), on bob's
  store_->Save(Make("r3", "bob", "bob", "2026-11-02T10:00:00.000Z"));      // bob's own
  EXPECT_EQ(store_->PurgeUser("alice"), 3);
  EXPECT_EQ(Count("feedback"), 1);
  EXPECT_TRUE(store_->Find("r3", "bob").has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, FeedbackStoreTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace faceloop::feedback
