#pragma once
// SQLite implementation of IDatabase on the C API.
//
// Thread safety: one connection, guarded by one recursive mutex. Every call holds it for its whole
// duration, and Transaction holds it while its body runs, so other threads' statements wait and never
// interleave with a transaction (a transaction body must not wait on another thread that uses this
// database). Enough for an accounts/analytics load; a connection pool can replace it behind
// IDatabase if profiling says so. Other processes (e.g. the CLI next to the server) share the file
// through WAL mode and wait up to busy_timeout for each other's write locks.
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "db/database.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace faceloop::db {

struct SqliteOptions {
  /// Database file, created if missing; ":memory:" for a private in-memory database.
  std::string path;
  /// NORMAL (the default) can lose the last transactions on power loss but never corrupts in WAL
  /// mode; FULL syncs on every commit for strict durability.
  enum class Synchronous { kNormal, kFull } synchronous = Synchronous::kNormal;
  /// How long a statement waits for another connection's lock before failing.
  std::chrono::milliseconds busy_timeout{5000};
  /// Prepared statements kept for reuse; the cache is dropped whole when it fills, which only
  /// happens if SQL text is built dynamically.
  std::size_t statement_cache_capacity = 64;
};

class SqliteDatabase final : public IDatabase {
 public:
  /// Opens (or creates) the database with WAL, the chosen synchronous mode, busy_timeout and
  /// foreign_keys=ON. Throws kInternal when the file cannot be opened or configured.
  explicit SqliteDatabase(SqliteOptions options);
  ~SqliteDatabase() override;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;
  SqliteDatabase(SqliteDatabase&&) = delete;
  SqliteDatabase& operator=(SqliteDatabase&&) = delete;

 protected:
  std::int64_t DoExecute(std::string_view sql, const Params& params) override;
  std::vector<Row> DoQuery(std::string_view sql, const Params& params) override;
  void DoExecuteScript(std::string_view sql) override;
  void DoTransaction(const std::function<void(IDatabase&)>& body) override;

 private:
  struct CloseConnection {
    void operator()(sqlite3* db) const;
  };
  struct FinalizeStatement {
    void operator()(sqlite3_stmt* statement) const;
  };
  using StatementPtr = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

  void Configure();
  sqlite3_stmt* Prepare(std::string_view sql);
  void Bind(sqlite3_stmt* statement, const Params& params);
  /// Steps `statement` to completion; collects rows when `rows` is given.
  void Run(sqlite3_stmt* statement, std::vector<Row>* rows);
  void ExecRaw(const std::string& sql);
  void RollBack(int depth);
  [[noreturn]] void Fail(std::string_view what);

  SqliteOptions options_;
  std::recursive_mutex mutex_;
  // Declared before the cache so that statements are finalized before the connection closes.
  std::unique_ptr<sqlite3, CloseConnection> db_;
  std::unordered_map<std::string, StatementPtr> statements_;
  int transaction_depth_ = 0;
};

}  // namespace faceloop::db
