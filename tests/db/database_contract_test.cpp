// The behaviour every IDatabase must share, run against SQLite and a real PostgreSQL server: the
// rest of the service is written once against IDatabase and must not care which it gets.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "db/migrations.hpp"
#include "db/postgres_database.hpp"
#include "db/sqlite_database.hpp"
#include "support/error_code.hpp"
#include "support/scratch_postgres.hpp"
#include "support/servers.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::db {
namespace {

using faceloop::testing::CodeOf;

class DatabaseContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      open_ = [this] { return std::make_unique<SqliteDatabase>(SqliteOptions{(dir_.path() / "t.db").string()}); };
    } else {
      FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
      scratch_ = std::make_unique<faceloop::testing::ScratchPostgres>(
          *faceloop::testing::ServerEnv("FACELOOP_TEST_DATABASE_URL"));
      open_ = [this] { return std::make_unique<PostgresDatabase>(PostgresOptions{scratch_->url()}); };
    }
    db_ = open_();
  }
  void TearDown() override { db_.reset(); }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::function<std::unique_ptr<IDatabase>()> open_;
  std::unique_ptr<IDatabase> db_;
};

TEST_P(DatabaseContractTest, RoundTripsEveryValueType) {
  db_->ApplyMigrations(FaceloopMigrations(db_->dialect()));
  const Blob hash = {0x00, 0xff, 0x5c, 0x78, 0x27};  // NUL, 0xff, backslash, 'x', quote
  db_->Execute("INSERT INTO users (id, email, name, role, created_at) VALUES (?, ?, ?, ?, ?)",
               {"u1", "a@example.com", nullptr, "user", "2026-01-01T00:00:00.000Z"});
  db_->Execute("INSERT INTO api_keys (id, user_id, name, prefix, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
               {"k1", "u1", "caf\xc3\xa9 'quoted' ? mark", "fl_k1", hash, "2026-01-01T00:00:00.000Z"});
  db_->Execute("INSERT INTO requests (id, user_id, face_count, confidence_mean, image_bytes) VALUES (?, ?, ?, ?, ?)",
               {"r1", "u1", std::int64_t{3}, 0.123456789012345, std::int64_t{2'000'000'000}});

  const auto key = db_->QueryOne("SELECT name, secret_hash FROM api_keys WHERE secret_hash = ?", {hash});
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->Get<std::string>(0), "caf\xc3\xa9 'quoted' ? mark");
  EXPECT_EQ(key->Get<Blob>(1), hash);
  const auto request =
      db_->QueryOne("SELECT face_count, confidence_mean, image_bytes, key_id, COUNT(*) OVER () FROM requests");
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->Get<std::int64_t>(0), 3);
  EXPECT_DOUBLE_EQ(request->Get<double>(1), 0.123456789012345);  // 8-byte floats on both
  EXPECT_EQ(request->Get<std::int64_t>(2), 2'000'000'000);
  EXPECT_FALSE(request->Get<std::optional<std::string>>(3).has_value());
  EXPECT_EQ(request->Get<std::int64_t>(4), 1);
  EXPECT_EQ(db_->Query("SELECT id FROM requests ORDER BY id DESC LIMIT ?", {std::int64_t{5}}).size(), 1u);
}

TEST_P(DatabaseContractTest, UniqueViolationIsConflictAndOnConflictDoNothingIsIdempotent) {
  db_->ApplyMigrations(FaceloopMigrations(db_->dialect()));
  const Params user = {"u1", "a@example.com", nullptr, "user", "2026-01-01T00:00:00.000Z"};
  db_->Execute("INSERT INTO users (id, email, name, role, created_at) VALUES (?, ?, ?, ?, ?)", user);
  EXPECT_EQ(CodeOf([&] {
              db_->Execute("INSERT INTO users (id, email, name, role, created_at) VALUES (?, ?, ?, ?, ?)", user);
            }),
            ErrorCode::kConflict);
  const char* insert = "INSERT INTO events (id, type, occurred_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING";
  EXPECT_EQ(db_->Execute(insert, {"e1", "signup", "2026-01-01T00:00:00.000Z"}), 1);
  EXPECT_EQ(db_->Execute(insert, {"e1", "signup", "2026-01-01T00:00:00.000Z"}), 0);
  // The pool must still be usable after a failed statement.
  EXPECT_EQ(db_->QueryOne("SELECT COUNT(*) FROM events")->Get<std::int64_t>(0), 1);
}

TEST_P(DatabaseContractTest, TransactionsCommitRollBackAndNest) {
  db_->ApplyMigrations(FaceloopMigrations(db_->dialect()));
  const char* insert = "INSERT INTO events (id, type, occurred_at) VALUES (?, 'login', 'now')";
  db_->Transaction([&](IDatabase& tx) { tx.Execute(insert, {"a"}); });
  EXPECT_THROW(db_->Transaction([&](IDatabase& tx) {
    tx.Execute(insert, {"b"});
    throw Error(ErrorCode::kBadRequest, "abort");
  }),
               Error);
  db_->Transaction([&](IDatabase& tx) {
    tx.Execute(insert, {"c"});
    EXPECT_THROW(tx.Transaction([&](IDatabase& inner) {
      inner.Execute(insert, {"d"});
      throw Error(ErrorCode::kBadRequest, "abort inner");
    }),
                 Error);
    tx.Transaction([&](IDatabase& inner) { inner.Execute(insert, {"e"}); });
  });
  std::vector<std::string> ids;
  for (const Row& row : db_->Query("SELECT id FROM events ORDER BY id")) ids.push_back(row.Get<std::string>(0));
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "c", "e"}));
}

TEST_P(DatabaseContractTest, MigrationsApplyOnceEvenFromSeveralConnectionsAtOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      try {
        open_()->ApplyMigrations(FaceloopMigrations(db_->dialect()));
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  const std::int64_t latest = FaceloopMigrations(db_->dialect()).back().version;
  EXPECT_EQ(db_->SchemaVersion(), latest);
  // Each migration once (versions may have gaps while branches that reserved them are in flight).
  EXPECT_EQ(db_->QueryOne("SELECT COUNT(*) FROM schema_migrations")->Get<std::int64_t>(0),
            static_cast<std::int64_t>(FaceloopMigrations(db_->dialect()).size()));
  db_->ApplyMigrations(FaceloopMigrations(db_->dialect()));
  EXPECT_EQ(db_->SchemaVersion(), latest);
}

TEST_P(DatabaseContractTest, Version3MovesFacesOutOfTheirEnvelope) {
  std::vector<Migration> migrations = FaceloopMigrations(db_->dialect());
  const std::vector<Migration> before(migrations.begin(), migrations.begin() + 2);
  db_->ApplyMigrations(before);
  db_->Execute("INSERT INTO requests (id, user_id, output_json) VALUES (?, ?, ?)",
               {"r1", "u1", R"({"faces": [{"confidence": 0.5}]})"});
  db_->Execute("INSERT INTO requests (id, user_id) VALUES (?, ?)", {"r2", "u1"});
  db_->ApplyMigrations(migrations);
  const auto faces = db_->QueryOne("SELECT faces_json, model_mode FROM requests WHERE id = 'r1'");
  EXPECT_EQ(nlohmann::json::parse(faces->Get<std::string>(0)), nlohmann::json::parse(R"([{"confidence": 0.5}])"));
  EXPECT_TRUE(faces->IsNull(1));
  EXPECT_TRUE(db_->QueryOne("SELECT faces_json FROM requests WHERE id = 'r2'")->IsNull(0));
  EXPECT_THROW(db_->Query("SELECT output_json FROM requests"), Error);
}

TEST_P(DatabaseContractTest, ThreadsCanShareTheDatabase) {
  db_->ApplyMigrations(FaceloopMigrations(db_->dialect()));
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        db_->Transaction([&](IDatabase& tx) {
          tx.Execute("INSERT INTO events (id, type, occurred_at) VALUES (?, 'login', 'now')",
                     {std::to_string(t) + "-" + std::to_string(i)});
        });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(db_->QueryOne("SELECT COUNT(*) FROM events")->Get<std::int64_t>(0), 150);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseContractTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

TEST(PostgresPlaceholdersTest, NumbersQuestionMarksOutsideQuotes) {
  EXPECT_EQ(NumberPlaceholders("SELECT ?, '?', \"a?\" FROM t WHERE a = ? AND b = 'it''s ?'"),
            "SELECT $1, '?', \"a?\" FROM t WHERE a = $2 AND b = 'it''s ?'");
}

TEST(PostgresConnectTest, UnreachableServerIsUnavailableWithoutLeakingThePassword) {
  try {
    PostgresDatabase db(PostgresOptions{"postgresql://u:sekrit-password@127.0.0.1:1/x?connect_timeout=2"});
    FAIL() << "connected to port 1";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    EXPECT_EQ(std::string(e.what()).find("sekrit"), std::string::npos);
  }
}

TEST(PostgresConnectTest, WaitsForAServerThatIsNotUpYetThenGivesUp) {
  PostgresOptions options{"postgresql://u@127.0.0.1:1/x?connect_timeout=1"};
  options.startup_wait = std::chrono::seconds(2);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(PostgresDatabase{options}, Error);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(1400));  // retries at 0.5 and 1 s; the next would pass 2 s
  EXPECT_LT(waited, std::chrono::seconds(10));
}

}  // namespace
}  // namespace faceloop::db
