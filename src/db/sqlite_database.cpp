#include "db/sqlite_database.hpp"

#include <sqlite3.h>

#include <cctype>
#include <utility>

#include "common/error.hpp"

namespace faceloop::db {
namespace {

// Resets a cached statement after use, whatever happens, so that it releases its read/write locks
// and does not keep parameter values (which may be personal data) bound in memory.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* statement) : statement_(statement) {}
  ~ResetOnExit() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;
  ResetOnExit(ResetOnExit&&) = delete;
  ResetOnExit& operator=(ResetOnExit&&) = delete;

 private:
  sqlite3_stmt* statement_;
};

bool IsBlank(const char* text) {
  for (; *text != '\0'; ++text) {
    if (std::isspace(static_cast<unsigned char>(*text)) == 0) return false;
  }
  return true;
}

Value ReadColumn(sqlite3_stmt* statement, int column) {
  switch (sqlite3_column_type(statement, column)) {
    case SQLITE_INTEGER: return std::int64_t{sqlite3_column_int64(statement, column)};
    case SQLITE_FLOAT: return sqlite3_column_double(statement, column);
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
      return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
    }
    case SQLITE_BLOB: {
      const auto* bytes = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement, column));
      return Blob(bytes, bytes + sqlite3_column_bytes(statement, column));
    }
    default: return nullptr;
  }
}

}  // namespace

void SqliteDatabase::CloseConnection::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void SqliteDatabase::FinalizeStatement::operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }

SqliteDatabase::SqliteDatabase(SqliteOptions options) : options_(std::move(options)) {
  sqlite3* db = nullptr;
  // NOMUTEX: mutex_ already serializes every use of the connection.
  const int rc = sqlite3_open_v2(options_.path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(db);  // sqlite3_open_v2 allocates a handle even on failure; it must still be closed
  if (rc != SQLITE_OK) {
    throw Error(ErrorCode::kInternal, "cannot open database " + options_.path + ": " +
                                          (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  }
  Configure();
}

SqliteDatabase::~SqliteDatabase() = default;

void SqliteDatabase::Configure() {
  sqlite3_extended_result_codes(db_.get(), 1);  // to tell UNIQUE violations from other constraints
  sqlite3_busy_timeout(db_.get(), static_cast<int>(options_.busy_timeout.count()));
  const auto mode = QueryOne("PRAGMA journal_mode=WAL");
  const std::string journal = mode ? mode->Get<std::string>(0) : "";
  // In-memory databases report "memory"; any other answer means WAL is unavailable (e.g. a network
  // file system), and readers would then block the writer.
  if (journal != "wal" && journal != "memory") {
    throw Error(ErrorCode::kInternal, "cannot enable WAL mode on " + options_.path + " (got '" + journal + "')");
  }
  ExecRaw(options_.synchronous == SqliteOptions::Synchronous::kFull ? "PRAGMA synchronous=FULL"
                                                                    : "PRAGMA synchronous=NORMAL");
  ExecRaw("PRAGMA foreign_keys=ON");
}

std::int64_t SqliteDatabase::DoExecute(std::string_view sql, const Params& params) {
  std::lock_guard lock(mutex_);
  sqlite3_stmt* statement = Prepare(sql);
  const ResetOnExit reset(statement);
  Bind(statement, params);
  Run(statement, nullptr);
  return sqlite3_changes64(db_.get());
}

std::vector<Row> SqliteDatabase::DoQuery(std::string_view sql, const Params& params) {
  std::lock_guard lock(mutex_);
  sqlite3_stmt* statement = Prepare(sql);
  const ResetOnExit reset(statement);
  Bind(statement, params);
  std::vector<Row> rows;
  Run(statement, &rows);
  return rows;
}

void SqliteDatabase::DoExecuteScript(std::string_view sql) {
  std::lock_guard lock(mutex_);
  ExecRaw(std::string(sql));
}

void SqliteDatabase::DoTransaction(const std::function<void(IDatabase&)>& body) {
  std::lock_guard lock(mutex_);
  const int depth = transaction_depth_;
  // IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes can
  // fail with SQLITE_BUSY at the write, when busy_timeout cannot help any more.
  ExecRaw(depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT sp" + std::to_string(depth));
  transaction_depth_ = depth + 1;
  try {
    body(*this);
    transaction_depth_ = depth;
    ExecRaw(depth == 0 ? "COMMIT" : "RELEASE sp" + std::to_string(depth));
  } catch (...) {
    transaction_depth_ = depth;
    RollBack(depth);
    throw;
  }
}

void SqliteDatabase::RollBack(int depth) {
  // Errors are ignored: the original exception is the one worth reporting, and SQLite may already
  // have rolled back by itself (e.g. after SQLITE_FULL), which get_autocommit reveals.
  if (depth == 0) {
    if (sqlite3_get_autocommit(db_.get()) == 0) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    return;
  }
  const std::string savepoint = "sp" + std::to_string(depth);
  sqlite3_exec(db_.get(), ("ROLLBACK TO " + savepoint + "; RELEASE " + savepoint).c_str(), nullptr, nullptr, nullptr);
}

sqlite3_stmt* SqliteDatabase::Prepare(std::string_view sql) {
  std::string key(sql);
  if (auto found = statements_.find(key); found != statements_.end()) return found->second.get();
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw, &tail) !=
      SQLITE_OK) {
    Fail("prepare");
  }
  StatementPtr statement(raw);
  if (statement == nullptr || (tail != nullptr && tail < sql.data() + sql.size() && !IsBlank(tail))) {
    throw Error(ErrorCode::kInternal, "Execute/Query take exactly one SQL statement; use ExecuteScript");
  }
  if (statements_.size() >= options_.statement_cache_capacity) statements_.clear();
  return statements_.emplace(std::move(key), std::move(statement)).first->second.get();
}

void SqliteDatabase::Bind(sqlite3_stmt* statement, const Params& params) {
  if (static_cast<std::size_t>(sqlite3_bind_parameter_count(statement)) != params.size()) {
    throw Error(ErrorCode::kInternal, "SQL has " + std::to_string(sqlite3_bind_parameter_count(statement)) +
                                          " parameters, " + std::to_string(params.size()) + " given");
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    const int rc = std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) {
            return sqlite3_bind_null(statement, index);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            return sqlite3_bind_int64(statement, index, value);
          } else if constexpr (std::is_same_v<T, double>) {
            return sqlite3_bind_double(statement, index, value);
          } else if constexpr (std::is_same_v<T, std::string>) {
            return sqlite3_bind_text64(statement, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
          } else if (value.empty()) {
            return sqlite3_bind_zeroblob(statement, index, 0);  // bind_blob of no data would bind NULL
          } else {
            return sqlite3_bind_blob64(statement, index, value.data(), value.size(), SQLITE_TRANSIENT);
          }
        },
        params[i]);
    if (rc != SQLITE_OK) Fail("bind");
  }
}

void SqliteDatabase::Run(sqlite3_stmt* statement, std::vector<Row>* rows) {
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
    if (rows == nullptr) continue;
    const int columns = sqlite3_column_count(statement);
    std::vector<Value> values;
    values.reserve(static_cast<std::size_t>(columns));
    for (int column = 0; column < columns; ++column) values.push_back(ReadColumn(statement, column));
    rows->emplace_back(std::move(values));
  }
  if (rc != SQLITE_DONE) Fail("step");
}

void SqliteDatabase::ExecRaw(const std::string& sql) {
  if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) Fail("exec");
}

void SqliteDatabase::Fail(std::string_view what) {
  const int code = sqlite3_extended_errcode(db_.get());
  std::string message = "database " + std::string(what) + " failed: " + sqlite3_errmsg(db_.get());
  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
    throw Error(ErrorCode::kConflict, message);
  }
  throw Error(ErrorCode::kInternal, message);
}

}  // namespace faceloop::db
