#include "backup/sqlite_snapshot.hpp"

#include <fcntl.h>
#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "common/error.hpp"
#include "storage/file_util.hpp"

namespace faceloop::backup {
namespace {

struct Close {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, Close>;

Connection OpenSqlite(const std::filesystem::path& path, int flags) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  Connection connection(db);  // a handle is allocated even on failure
  if (rc != SQLITE_OK) {
    throw Error(ErrorCode::kInternal, "backup: cannot open " + path.string() + ": " + sqlite3_errstr(rc));
  }
  // The writer holds its lock for one transaction at a time; wait for it rather than fail.
  sqlite3_busy_timeout(db, 10000);
  return connection;
}

/// Row counts of the tables a restore is checked against; a table the schema lacks is left out.
std::map<std::string, std::int64_t> CountRows(sqlite3* db) {
  std::map<std::string, std::int64_t> counts;
  for (const char* table : {"users", "api_keys", "requests", "events", "feedback", "deleted_users"}) {
    sqlite3_stmt* statement = nullptr;
    const std::string sql = std::string("SELECT count(*) FROM ") + table;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      counts[table] = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  return counts;
}

}  // namespace

std::map<std::string, std::int64_t> SnapshotSqlite(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (!std::filesystem::exists(from)) throw Error(ErrorCode::kNotFound, "backup: no database at " + from.string());
  // Read-write (never create): a read-only connection cannot take part in WAL's shared memory
  // when the -shm file must be updated, and the backup only reads.
  const Connection source = OpenSqlite(from, SQLITE_OPEN_READWRITE);
  const Connection target = OpenSqlite(to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3_backup* backup = sqlite3_backup_init(target.get(), "main", source.get(), "main");
  if (backup == nullptr) {
    throw Error(ErrorCode::kInternal, std::string("backup: ") + sqlite3_errmsg(target.get()));
  }
  // All pages in one step: one read transaction, so one consistent snapshot of the database.
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < 100; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) throw Error(ErrorCode::kInternal, std::string("backup: sqlite: ") + sqlite3_errstr(rc));
  // The copy is a standalone file: fold any WAL it has into it, so the backup is one file.
  sqlite3_exec(target.get(), "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
  storage::UniqueFd fd = storage::OpenOrThrow(to, O_RDONLY);
  storage::SyncFd(fd.get(), false, to);
  return CountRows(target.get());
}

}  // namespace faceloop::backup
