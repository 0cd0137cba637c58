#include "db/migrations.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "db/sqlite_database.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::db {
namespace {

using faceloop::testing::TempDir;

class MigrationsTest : public ::testing::Test {
 protected:
  SqliteOptions Options() const { return SqliteOptions{(dir_.path() / "faceloop.db").string()}; }
  std::int64_t Count(const std::string& sql) { return db_.QueryOne(sql)->Get<std::int64_t>(0); }
  bool HasObject(const std::string& name) {
    return db_.QueryOne("SELECT 1 FROM sqlite_master WHERE name = ?", {name}).has_value();
  }

  TempDir dir_;
  SqliteDatabase db_{Options()};
};

TEST_F(MigrationsTest, AppliesFaceloopSchemaOnce) {
  EXPECT_EQ(db_.SchemaVersion(), 0);
  db_.ApplyMigrations(FaceloopMigrations());
  const std::int64_t latest = FaceloopMigrations().back().version;
  EXPECT_EQ(db_.SchemaVersion(), latest);
  for (const char* name :
       {"users", "api_keys", "sessions", "requests", "events", "requests_user_id_id", "requests_received_at_user_id",
        "requests_sample_key_received_at", "events_type_occurred_at", "requests_status", "feedback", "feedback_user_id",
        "feedback_request_user_id", "feedback_tokens_used", "rollup_hours", "rollup_errors", "rollup_bins",
        "users_created_at"}) {
    EXPECT_TRUE(HasObject(name)) << name;
  }
  const auto row = db_.QueryOne("SELECT version, name, applied_at FROM schema_migrations ORDER BY version LIMIT 1");
  EXPECT_EQ(row->Get<std::int64_t>(0), 1);
  EXPECT_EQ(row->Get<std::string>(1), "initial schema");
  EXPECT_EQ(row->Get<std::string>(2).size(), 24u);

  // Re-running, on this connection or a new one, changes nothing.
  db_.ApplyMigrations(FaceloopMigrations());
  SqliteDatabase reopened(Options());
  reopened.ApplyMigrations(FaceloopMigrations());
  // Each migration once (versions may have gaps while branches that reserved them are in flight).
  EXPECT_EQ(Count("SELECT count(*) FROM schema_migrations"), static_cast<std::int64_t>(FaceloopMigrations().size()));
}

TEST_F(MigrationsTest, AppliesNewVersionsInOrder) {
  db_.ApplyMigrations({{1, "one", "CREATE TABLE a (x)"}});
  // Given out of order: 2 must run before 3, which depends on it.
  db_.ApplyMigrations({{3, "three", "INSERT INTO b VALUES (3)"},
                       {1, "one", "CREATE TABLE a (x)"},
                       {2, "two", "CREATE TABLE b (x); INSERT INTO b VALUES (2)"}});
  EXPECT_EQ(db_.SchemaVersion(), 3);
  EXPECT_EQ(db_.QueryOne("SELECT group_concat(x) FROM b")->Get<std::string>(0), "2,3");
}

TEST_F(MigrationsTest, FailedMigrationRollsBackCompletely) {
  const std::vector<Migration> migrations = {{1, "one", "CREATE TABLE a (x)"},
                                             {2, "broken", "CREATE TABLE b (x); INSERT INTO nowhere VALUES (1)"}};
  try {
    db_.ApplyMigrations(migrations);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInternal);
  }
  EXPECT_EQ(db_.SchemaVersion(), 1);
  EXPECT_TRUE(HasObject("a"));
  EXPECT_FALSE(HasObject("b"));
}

TEST_F(MigrationsTest, RejectsBadVersionsAndNewerDatabases) {
  EXPECT_THROW(db_.ApplyMigrations({{1, "a", "SELECT 1"}, {1, "b", "SELECT 1"}}), Error);
  EXPECT_THROW(db_.ApplyMigrations({{0, "zero", "SELECT 1"}}), Error);
  db_.ApplyMigrations({{1, "a", "SELECT 1"}, {2, "b", "SELECT 1"}});
  EXPECT_THROW(db_.ApplyMigrations({{1, "a", "SELECT 1"}}), Error);
}

TEST_F(MigrationsTest, SchemaEnforcesConstraints) {
  db_.ApplyMigrations(FaceloopMigrations());
  const std::string insert_user = "INSERT INTO users (id, email, role, created_at) VALUES (?, ?, ?, 't')";
  db_.Execute(insert_user, {"u1", "a@x.io", "admin"});
  EXPECT_THROW(db_.Execute(insert_user, {"u2", "b@x.io", "root"}), Error);  // CHECK on role
  try {
    db_.Execute(insert_user, {"u3", "a@x.io", "user"});
    FAIL() << "expected a conflict";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kConflict);
  }
  const std::string insert_key =
      "INSERT INTO api_keys (id, user_id, prefix, secret_hash, created_at) VALUES (?, ?, 'p', ?, 't')";
  db_.Execute(insert_key, {"k1", "u1", Blob{1, 2, 3}});
  EXPECT_THROW(db_.Execute(insert_key, {"k2", "nobody", Blob{1}}), Error);  // foreign key
  db_.Execute("INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at) VALUES ('s1', 'u1', ?, 't', 't')",
              {Blob{9}});
  db_.Execute("DELETE FROM users WHERE id = 'u1'");
  EXPECT_EQ(Count("SELECT count(*) FROM api_keys"), 0);  // ON DELETE CASCADE
  EXPECT_EQ(Count("SELECT count(*) FROM sessions"), 0);
}

}  // namespace
}  // namespace faceloop::db
