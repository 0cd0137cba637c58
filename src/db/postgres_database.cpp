#include "db/postgres_database.hpp"

#include <algorithm>
#include <cstdio>
#include <pqxx/pqxx>
#include <thread>

#include "common/error.hpp"
#include "telemetry/log.hpp"

namespace faceloop::db {
namespace {

// PostgreSQL type OIDs (pg_type.h) of the columns we convert to something other than text.
constexpr pqxx::oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
                    kFloat8 = 701, kNumeric = 1700;

/// The parameters as libpq text values; nullopt is SQL NULL.
std::vector<std::optional<std::string>> TextParams(const Params& params) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::vector<std::optional<std::string>> out;
  out.reserve(params.size());
  for (const Value& value : params) {
    if (std::holds_alternative<std::nullptr_t>(value)) {
      out.emplace_back(std::nullopt);
    } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
      out.emplace_back(std::to_string(*integer));
    } else if (const auto* real = std::get_if<double>(&value)) {
      char text[32];
      (void)std::snprintf(text, sizeof text, "%.17g", *real);
      out.emplace_back(text);
    } else if (const auto* string = std::get_if<std::string>(&value)) {
      out.emplace_back(*string);
    } else {
      const Blob& blob = std::get<Blob>(value);
      std::string hex = "\\x";
      hex.reserve(2 + 2 * blob.size());
      for (const std::uint8_t byte : blob) {
        hex += kHex[byte >> 4];
        hex += kHex[byte & 15];
      }
      out.emplace_back(std::move(hex));
    }
  }
  return out;
}

Value FieldValue(const pqxx::field& field, pqxx::oid type) {
  if (field.is_null()) return nullptr;
  switch (type) {
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid: return field.as<std::int64_t>();
    case kBool: return static_cast<std::int64_t>(field.as<bool>() ? 1 : 0);
    case kFloat4:
    case kFloat8:
    case kNumeric: return field.as<double>();
    case kBytea: {
      const pqxx::binarystring bytes(field);
      return Blob(bytes.begin(), bytes.end());
    }
    default: return std::string(field.c_str(), field.size());
  }
}

std::vector<Row> ToRows(const pqxx::result& result) {
  std::vector<pqxx::oid> types;
  for (pqxx::row::size_type c = 0; c < result.columns(); ++c) types.push_back(result.column_type(c));
  std::vector<Row> rows;
  rows.reserve(result.size());
  for (const auto& row : result) {
    std::vector<Value> values;
    values.reserve(types.size());
    for (pqxx::row::size_type c = 0; c < types.size(); ++c) values.push_back(FieldValue(row[c], types[c]));
    rows.emplace_back(std::move(values));
  }
  return rows;
}

/// Runs one statement on a transaction with the shared `?` SQL and typed parameters.
pqxx::result Exec(pqxx::transaction_base& tx, std::string_view sql, const Params& params) {
  const auto text = TextParams(params);
  std::vector<const char*> pointers;
  pointers.reserve(text.size());
  for (const auto& value : text) pointers.push_back(value ? value->c_str() : nullptr);
  return tx.exec_params(NumberPlaceholders(sql), pqxx::prepare::make_dynamic_params(pointers));
}

/// Maps libpqxx exceptions to faceloop errors; `broken` is set when the connection is unusable.
[[noreturn]] void Rethrow(bool& broken) {
  try {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const pqxx::unique_violation& e) {
    throw Error(ErrorCode::kConflict, std::string("database: unique constraint violated: ") + e.what());
  } catch (const pqxx::broken_connection& e) {
    broken = true;
    throw Error(ErrorCode::kUnavailable, std::string("database connection lost: ") + e.what());
  } catch (const pqxx::in_doubt_error& e) {
    broken = true;
    throw Error(ErrorCode::kUnavailable, std::string("database commit in doubt: ") + e.what());
  } catch (const pqxx::sql_error& e) {
    // 57P01 admin_shutdown, 57P02/57P03: the server is going away or not ready: retryable.
    if (e.sqlstate().rfind("57P", 0) == 0 || e.sqlstate().rfind("08", 0) == 0) {
      broken = true;
      throw Error(ErrorCode::kUnavailable, std::string("database unavailable: ") + e.what());
    }
    throw Error(ErrorCode::kInternal, std::string("database: ") + e.what());
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kInternal, std::string("database: ") + e.what());
  }
}

/// The IDatabase handed to a Transaction body: statements run on the open transaction.
class TransactionDatabase final : public IDatabase {
 public:
  explicit TransactionDatabase(pqxx::dbtransaction& tx) : tx_(tx) {}
  Dialect dialect() const override { return Dialect::kPostgres; }

 protected:
  std::int64_t DoExecute(std::string_view sql, const Params& params) override {
    return static_cast<std::int64_t>(Exec(tx_, sql, params).affected_rows());
  }
  std::vector<Row> DoQuery(std::string_view sql, const Params& params) override {
    return ToRows(Exec(tx_, sql, params));
  }
  void DoExecuteScript(std::string_view sql) override { tx_.exec(std::string(sql)); }
  void DoTransaction(const std::function<void(IDatabase&)>& body) override {
    // Plain SAVEPOINT statements on the same transaction (libpqxx 6's subtransaction kept the
    // rows of an aborted savepoint in our tests).
    const std::string name = "faceloop_sp" + std::to_string(++depth_);
    tx_.exec("SAVEPOINT " + name);
    try {
      body(*this);
    } catch (...) {
      --depth_;
      tx_.exec("ROLLBACK TO SAVEPOINT " + name);
      throw;
    }
    --depth_;
    tx_.exec("RELEASE SAVEPOINT " + name);
  }

 private:
  pqxx::dbtransaction& tx_;
  int depth_ = 0;
};

}  // namespace

std::string NumberPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 1;
  char quote = 0;  // ' or " while inside a literal or quoted identifier
  for (const char c : sql) {
    if (quote != 0) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$' + std::to_string(next++);
    } else {
      out += c;
    }
  }
  return out;
}

struct PostgresDatabase::Connection {
  explicit Connection(const std::string& url) : connection(url) {}
  pqxx::connection connection;
};

/// A pooled connection for the duration of one statement or transaction; a connection that broke
/// is closed instead of returned.
class PostgresDatabase::Lease {
 public:
  explicit Lease(PostgresDatabase& db) : db_(db) {
    std::unique_lock lock(db_.mutex_);
    db_.returned_.wait(lock, [&] { return !db_.idle_.empty() || db_.open_ < db_.options_.pool_size; });
    if (!db_.idle_.empty()) {
      connection_ = std::move(db_.idle_.back());
      db_.idle_.pop_back();
      return;
    }
    ++db_.open_;
    lock.unlock();
    try {
      connection_ = db_.Connect();
    } catch (...) {
      Release();
      throw;
    }
  }
  ~Lease() { Release(); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  pqxx::connection& operator*() { return connection_->connection; }
  /// Rethrow() for the exception in flight; a connection it finds unusable is closed, not returned.
  [[noreturn]] void Rethrow() { db::Rethrow(broken_); }

 private:
  void Release() {
    {
      const std::lock_guard lock(db_.mutex_);
      if (connection_ && !broken_ && connection_->connection.is_open()) {
        db_.idle_.push_back(std::move(connection_));
      } else {
        --db_.open_;
      }
    }
    db_.returned_.notify_one();
  }

  PostgresDatabase& db_;
  std::unique_ptr<Connection> connection_;
  bool broken_ = false;
};

PostgresDatabase::PostgresDatabase(PostgresOptions options) : options_(std::move(options)) {
  if (options_.pool_size == 0) throw Error(ErrorCode::kInternal, "PostgreSQL pool size must be > 0");
  if (options_.startup_wait.count() > 0) WaitForServer();
  Lease probe(*this);  // fail at start-up, not on the first request
}

void PostgresDatabase::WaitForServer() const {
  const telemetry::Logger log("db");
  const auto deadline = std::chrono::steady_clock::now() + options_.startup_wait;
  auto pause = std::chrono::milliseconds(500);
  for (int attempt = 1;; ++attempt) {
    try {
      (void)Connect();
      return;
    } catch (const Error&) {
      const auto now = std::chrono::steady_clock::now();
      if (now + pause >= deadline) return;  // the probe that follows fails with the message
      log.Warn("PostgreSQL is not reachable yet; retrying",
               {{"attempt", attempt},
                {"retry_in_ms", pause.count()},
                {"gives_up_in_s", std::chrono::duration_cast<std::chrono::seconds>(deadline - now).count()}});
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(5000));
    }
  }
}

PostgresDatabase::~PostgresDatabase() = default;

std::unique_ptr<PostgresDatabase::Connection> PostgresDatabase::Connect() const {
  try {
    auto connection = std::make_unique<Connection>(options_.url);
    pqxx::nontransaction setup(connection->connection);
    setup.exec("SET statement_timeout = " + std::to_string(options_.statement_timeout_ms));
    return connection;
  } catch (const std::exception&) {
    // libpq's message can echo the connection string, password included: keep it out.
    throw Error(ErrorCode::kUnavailable, "cannot connect to PostgreSQL (check FACELOOP_DATABASE_URL and the server)");
  }
}

template <typename Fn>
auto PostgresDatabase::WithConnection(Fn&& fn) {
  // A pooled connection may have died with a server restart since its last use; one retry on a
  // fresh connection hides that. A single statement outside a transaction is safe to repeat:
  // it either ran (and the connection broke after) or did not; our statements are idempotent
  // where it matters (ON CONFLICT DO NOTHING, updates to fixed values).
  for (int attempt = 0;; ++attempt) {
    Lease lease(*this);
    try {
      return fn(*lease);
    } catch (...) {
      try {
        lease.Rethrow();
      } catch (const Error& error) {
        if (error.code() != ErrorCode::kUnavailable || attempt > 0) throw;
      }
    }
  }
}

std::int64_t PostgresDatabase::DoExecute(std::string_view sql, const Params& params) {
  return WithConnection([&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    return static_cast<std::int64_t>(Exec(tx, sql, params).affected_rows());
  });
}

std::vector<Row> PostgresDatabase::DoQuery(std::string_view sql, const Params& params) {
  return WithConnection([&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    return ToRows(Exec(tx, sql, params));
  });
}

void PostgresDatabase::DoExecuteScript(std::string_view sql) {
  Lease lease(*this);
  try {
    pqxx::nontransaction tx(*lease);
    tx.exec(std::string(sql));
  } catch (...) {
    lease.Rethrow();
  }
}

void PostgresDatabase::DoTransaction(const std::function<void(IDatabase&)>& body) {
  Lease lease(*this);
  try {
    pqxx::work tx(*lease);
    TransactionDatabase scoped(tx);
    body(scoped);
    tx.commit();
  } catch (...) {
    lease.Rethrow();
  }
}

void PostgresDatabase::DoLockMigrations(IDatabase& transaction) {
  // Released at commit or rollback. The key is arbitrary but fixed: "faceloop" in ASCII.
  transaction.Query("SELECT pg_advisory_xact_lock(7377578479452238960)");
}

}  // namespace faceloop::db
