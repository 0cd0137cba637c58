#pragma once
// PostgreSQL implementation of IDatabase on libpqxx, for deployments where several service
// processes share one database.
//
// - A small pool of connections, opened lazily; a statement borrows one for its duration, a
//   Transaction for the whole body (nested Transaction calls become savepoints).
// - The shared SQL uses `?` placeholders; they are rewritten to $1..$n. Parameters travel as text
//   (blobs in bytea hex form) and the server infers their types from the statement.
// - Result columns come back typed by their PostgreSQL type: integers and booleans as INTEGER,
//   float/numeric as REAL, bytea as BLOB, everything else as TEXT.
// - Errors: unique violations are kConflict; a lost or refused connection is kUnavailable (the
//   connection is dropped and reopened on next use); other failures kInternal. Messages carry the
//   SQL text, never the parameter values.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace faceloop::db {

struct PostgresOptions {
  std::string url;  ///< postgresql://user:password@host:port/dbname (libpq URI or key=value string)
  std::size_t pool_size = 8;
  int connect_timeout_s = 5;
  int statement_timeout_ms = 30'000;  ///< a stuck statement fails instead of pinning a connection
  /// How long the constructor keeps trying to reach a server that is not up yet (it is often
  /// started alongside, by the same orchestrator), with a logged retry every few seconds; 0 = once.
  std::chrono::seconds startup_wait{0};
};

/// Rewrites `?` placeholders outside quoted strings and identifiers to $1, $2, ...
std::string NumberPlaceholders(std::string_view sql);

class PostgresDatabase final : public IDatabase {
 public:
  /// Opens one connection at once, so a wrong URL or an unreachable server fails at start-up.
  explicit PostgresDatabase(PostgresOptions options);
  ~PostgresDatabase() override;
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }

 protected:
  std::int64_t DoExecute(std::string_view sql, const Params& params) override;
  std::vector<Row> DoQuery(std::string_view sql, const Params& params) override;
  void DoExecuteScript(std::string_view sql) override;
  void DoTransaction(const std::function<void(IDatabase&)>& body) override;
  void DoLockMigrations(IDatabase& transaction) override;

 private:
  class Lease;
  struct Connection;  // a pqxx::connection; defined in the .cpp to keep libpqxx out of this header
  std::unique_ptr<Connection> Connect() const;
  /// Returns once a connection succeeds or options_.startup_wait is over (without throwing).
  void WaitForServer() const;
  template <typename Fn>
  auto WithConnection(Fn&& fn);

  const PostgresOptions options_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  ///< connections handed out or idle
};

}  // namespace faceloop::db
