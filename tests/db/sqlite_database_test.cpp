#include "db/sqlite_database.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <thread>

#include "common/error.hpp"
#include "db/timestamp.hpp"
#include "support/error_code.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::db {
namespace {

using faceloop::testing::CodeOf;

using faceloop::testing::TempDir;

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  SqliteOptions Options() const { return SqliteOptions{(dir_.path() / "test.db").string()}; }

  TempDir dir_;
  SqliteDatabase db_{Options()};
};

TEST_F(SqliteDatabaseTest, ConfiguresWalForeignKeysAndSynchronous) {
  EXPECT_EQ(db_.QueryOne("PRAGMA journal_mode")->Get<std::string>(0), "wal");
  EXPECT_EQ(db_.QueryOne("PRAGMA foreign_keys")->Get<std::int64_t>(0), 1);
  EXPECT_EQ(db_.QueryOne("PRAGMA synchronous")->Get<std::int64_t>(0), 1);  // NORMAL
  EXPECT_EQ(db_.QueryOne("PRAGMA busy_timeout")->Get<std::int64_t>(0), 5000);

  SqliteOptions strict = Options();
  strict.synchronous = SqliteOptions::Synchronous::kFull;
  SqliteDatabase full(strict);
  EXPECT_EQ(full.QueryOne("PRAGMA synchronous")->Get<std::int64_t>(0), 2);  // FULL
}

TEST_F(SqliteDatabaseTest, BindsAndReadsEveryValueType) {
  db_.Execute("CREATE TABLE t (n, i, r, s, b)");
  const std::string text("caf\xc3\xa9 \0 end", 11);
  const Blob bytes = {0x00, 0xff, 0x10, 0x00};
  const std::int64_t big = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(db_.Execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", {nullptr, big, 0.25, text, bytes}), 1);
  EXPECT_EQ(db_.Execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", {nullptr, 7, -1.5, std::string(), Blob{}}), 1);

  const auto rows = db_.Query("SELECT n, i, r, s, b, typeof(b) FROM t ORDER BY i");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].IsNull(0));
  EXPECT_EQ(rows[0].Get<std::int64_t>(1), big);
  EXPECT_EQ(rows[0].Get<double>(2), 0.25);
  EXPECT_EQ(rows[0].Get<std::string>(3), text);
  EXPECT_EQ(rows[0].Get<Blob>(4), bytes);
  EXPECT_EQ(rows[1].Get<std::string>(3), "");
  EXPECT_EQ(rows[1].Get<Blob>(4), Blob{});  // an empty blob stays a blob, not NULL
  EXPECT_EQ(rows[1].Get<std::string>(5), "blob");

  // Parameters compare by value and type: a blob never equals text.
  EXPECT_TRUE(db_.QueryOne("SELECT 1 FROM t WHERE s = ? AND b = ?", {text, bytes}));
  EXPECT_FALSE(db_.QueryOne("SELECT 1 FROM t WHERE b = ?", {std::string("\0\xff\x10\0", 4)}));
}

TEST_F(SqliteDatabaseTest, GetChecksTypes) {
  const auto row = *db_.QueryOne("SELECT NULL, 3, 'x', 1.5");
  EXPECT_EQ(row.Get<std::optional<std::string>>(0), std::nullopt);
  EXPECT_EQ(row.Get<std::optional<std::int64_t>>(1), 3);
  EXPECT_EQ(row.Get<double>(1), 3.0);  // INTEGER widens to REAL
  EXPECT_EQ(CodeOf([&] { row.Get<std::string>(0); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([&] { row.Get<std::int64_t>(2); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([&] { row.Get<std::int64_t>(3); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([&] { row.At(4); }), ErrorCode::kInternal);
}

TEST_F(SqliteDatabaseTest, RejectsMisuse) {
  EXPECT_EQ(CodeOf([&] { db_.Query("SELECT ?", {}); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([&] { db_.Query("SELECT ?", {1, 2}); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([&] { db_.Execute("SELECT 1; SELECT 2"); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([&] { db_.Execute("SELEC 1"); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([&] { db_.Execute(""); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([] { SqliteDatabase bad(SqliteOptions{"/nonexistent-dir/x/y.db"}); }), ErrorCode::kInternal);
}

TEST_F(SqliteDatabaseTest, MapsConstraintViolations) {
  db_.ExecuteScript(
      "CREATE TABLE p (id TEXT PRIMARY KEY, email TEXT UNIQUE, n INTEGER NOT NULL CHECK (n > 0));"
      "CREATE TABLE c (p_id TEXT REFERENCES p(id));");
  db_.Execute("INSERT INTO p VALUES ('a', 'a@x.io', 1)");
  EXPECT_EQ(CodeOf([&] { db_.Execute("INSERT INTO p VALUES ('b', 'a@x.io', 1)"); }), ErrorCode::kConflict);
  EXPECT_EQ(CodeOf([&] { db_.Execute("INSERT INTO p VALUES ('a', 'b@x.io', 1)"); }), ErrorCode::kConflict);
  EXPECT_EQ(CodeOf([&] { db_.Execute("INSERT INTO p VALUES ('c', 'c@x.io', NULL)"); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([&] { db_.Execute("INSERT INTO p VALUES ('c', 'c@x.io', 0)"); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([&] { db_.Execute("INSERT INTO c VALUES ('missing')"); }), ErrorCode::kInternal);
  // The connection stays usable after each failure.
  EXPECT_EQ(db_.Execute("INSERT INTO p VALUES (?, ?, ?)", {"c", "c@x.io", 2}), 1);
}

TEST_F(SqliteDatabaseTest, TransactionCommitsAndRollsBack) {
  db_.Execute("CREATE TABLE t (v INTEGER)");
  db_.Transaction([](IDatabase& tx) { tx.Execute("INSERT INTO t VALUES (1)"); });
  EXPECT_THROW(db_.Transaction([](IDatabase& tx) {
    tx.Execute("INSERT INTO t VALUES (2)");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(db_.QueryOne("SELECT group_concat(v) FROM t")->Get<std::string>(0), "1");

  // A failed inner transaction rolls back only its own work.
  db_.Transaction([](IDatabase& tx) {
    tx.Execute("INSERT INTO t VALUES (3)");
    try {
      tx.Transaction([](IDatabase& inner) {
        inner.Execute("INSERT INTO t VALUES (4)");
        throw Error(ErrorCode::kConflict, "inner");
      });
    } catch (const Error&) {
    }
    tx.Transaction([](IDatabase& inner) { inner.Execute("INSERT INTO t VALUES (5)"); });
  });
  EXPECT_EQ(db_.QueryOne("SELECT group_concat(v) FROM (SELECT v FROM t ORDER BY v)")->Get<std::string>(0), "1,3,5");
}

TEST_F(SqliteDatabaseTest, PersistsAcrossConnections) {
  db_.Execute("CREATE TABLE t (v TEXT)");
  db_.Execute("INSERT INTO t VALUES (?)", {"kept"});
  SqliteDatabase other(Options());
  EXPECT_EQ(other.QueryOne("SELECT v FROM t")->Get<std::string>(0), "kept");
}

TEST_F(SqliteDatabaseTest, StatementCacheEvictionKeepsWorking) {
  SqliteOptions options = Options();
  options.statement_cache_capacity = 2;
  SqliteDatabase small(options);
  for (int round = 0; round < 3; ++round) {
    for (std::int64_t i = 0; i < 5; ++i) {
      EXPECT_EQ(small.QueryOne("SELECT ? + " + std::to_string(i), {round})->Get<std::int64_t>(0), round + i);
    }
  }
}

TEST_F(SqliteDatabaseTest, ThreadsShareOneConnection) {
  db_.Execute("CREATE TABLE t (thread INTEGER, v INTEGER)");
  std::vector<std::thread> threads;
  for (std::int64_t thread = 0; thread < 4; ++thread) {
    threads.emplace_back([this, thread] {
      for (std::int64_t i = 0; i < 50; ++i) {
        db_.Transaction([&](IDatabase& tx) {
          tx.Execute("INSERT INTO t VALUES (?, ?)", {thread, i});
          tx.Execute("INSERT INTO t VALUES (?, ?)", {thread, -i});
        });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(db_.QueryOne("SELECT count(*), sum(v) FROM t")->Get<std::int64_t>(0), 400);
}

TEST(TimestampTest, FormatsRfc3339UtcWithMilliseconds) {
  using std::chrono::milliseconds;
  using std::chrono::system_clock;
  EXPECT_EQ(FormatTimestamp(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(system_clock::time_point{milliseconds{1700000000123}}), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatTimestamp(system_clock::time_point{milliseconds{-1}}), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(system_clock::time_point{std::chrono::microseconds{1999}}), "1970-01-01T00:00:00.001Z");
}

}  // namespace
}  // namespace faceloop::db
