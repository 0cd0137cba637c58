#pragma once
// The database seam for accounts and analytics. SQLite implements it today (sqlite_database.hpp);
// PostgreSQL can be added behind the same interface later, which is why SQL here uses `?`
// placeholders (a PostgreSQL implementation rewrites them to $1..$n) and why parameters are typed
// values rather than pre-formatted strings.
//
// Errors: every failure throws faceloop::Error — kConflict for a UNIQUE / PRIMARY KEY violation,
// kInternal for everything else. Messages never contain parameter values, which may be secrets'
// hashes or personal data.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "common/is_optional.hpp"

namespace faceloop::db {

/// Raw bytes (SQLite BLOB, PostgreSQL bytea). A separate type from text so that hashes are stored
/// and compared as bytes: in SQLite a TEXT value never equals a BLOB value.
using Blob = std::vector<std::uint8_t>;

/// One SQL value: NULL, INTEGER, REAL, TEXT (UTF-8) or BLOB.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string, Blob>;
using Params = std::vector<Value>;

/// Name of the type a value holds ("NULL", "INTEGER", "REAL", "TEXT", "BLOB"), for messages.
std::string_view TypeName(const Value& value);

namespace detail {
[[noreturn]] void ThrowColumnType(std::size_t column, std::string_view expected, const Value& found);
}  // namespace detail

/// One result row; columns are addressed by their position in the SELECT list.
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}

  std::size_t size() const { return values_.size(); }
  /// The raw value; throws kInternal when `column` is out of range.
  const Value& At(std::size_t column) const;
  bool IsNull(std::size_t column) const { return std::holds_alternative<std::nullptr_t>(At(column)); }

  /// The value as std::int64_t, double (an INTEGER converts), std::string, Blob, or std::optional of
  /// one of those (NULL → nullopt). Any other mismatch, NULL for a non-optional included, throws
  /// kInternal: it means the code and the schema disagree.
  template <typename T>
  T Get(std::size_t column) const;

 private:
  std::vector<Value> values_;
};

/// One schema step. `sql` may hold several statements but no transaction control: ApplyMigrations
/// wraps each migration in its own transaction.
struct Migration {
  std::int64_t version = 0;
  std::string name;
  std::string sql;
};

/// The SQL dialect behind an IDatabase, for the few statements (schema DDL) that differ.
enum class Dialect { kSqlite, kPostgres };

class IDatabase {
 public:
  IDatabase() = default;
  virtual ~IDatabase() = default;
  IDatabase(const IDatabase&) = delete;
  IDatabase& operator=(const IDatabase&) = delete;
  IDatabase(IDatabase&&) = delete;
  IDatabase& operator=(IDatabase&&) = delete;

  /// Runs one statement with `?` parameters bound in order; returns the number of rows it changed.
  std::int64_t Execute(std::string_view sql, const Params& params = {}) { return DoExecute(sql, params); }
  /// Runs one statement and returns all its rows.
  std::vector<Row> Query(std::string_view sql, const Params& params = {}) { return DoQuery(sql, params); }
  /// The first row, or nullopt when there is none (add LIMIT 1 to the SQL where more could match).
  std::optional<Row> QueryOne(std::string_view sql, const Params& params = {});
  /// Runs several `;`-separated statements without parameters (schema scripts).
  void ExecuteScript(std::string_view sql) { DoExecuteScript(sql); }
  /// Runs `body` in a transaction: commits when it returns, rolls back and rethrows when it throws.
  /// `body` must use the IDatabase it is given. Nested calls become savepoints.
  void Transaction(const std::function<void(IDatabase&)>& body) { DoTransaction(body); }

  /// Brings the schema up to date: creates schema_migrations if needed, then applies, in version
  /// order and each in its own transaction, every migration not recorded there. Safe to re-run and
  /// to run from two processes at once. Throws kInternal for duplicate versions and when the
  /// database already has a version newer than any in `migrations` (a newer binary migrated it).
  void ApplyMigrations(const std::vector<Migration>& migrations);
  /// Highest applied migration version; 0 for a fresh database (creates schema_migrations if missing).
  std::int64_t SchemaVersion();

  virtual Dialect dialect() const { return Dialect::kSqlite; }

 protected:
  /// Called first inside each migration transaction: serialises migrations across processes where
  /// the transaction itself does not (PostgreSQL: an advisory lock; SQLite's write lock suffices).
  virtual void DoLockMigrations(IDatabase& transaction) { (void)transaction; }
  virtual std::int64_t DoExecute(std::string_view sql, const Params& params) = 0;
  virtual std::vector<Row> DoQuery(std::string_view sql, const Params& params) = 0;
  virtual void DoExecuteScript(std::string_view sql) = 0;
  virtual void DoTransaction(const std::function<void(IDatabase&)>& body) = 0;
};

template <typename T>
T Row::Get(std::size_t column) const {
  const Value& value = At(column);
  if constexpr (IsOptional<T>::value) {
    if (std::holds_alternative<std::nullptr_t>(value)) return std::nullopt;
    return Get<typename T::value_type>(column);
  } else if constexpr (std::is_same_v<T, double>) {
    if (const auto* integer = std::get_if<std::int64_t>(&value)) return static_cast<double>(*integer);
    if (const auto* real = std::get_if<double>(&value)) return *real;
    detail::ThrowColumnType(column, "REAL", value);
  } else {
    static_assert(std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::string> || std::is_same_v<T, Blob>,
                  "Row::Get supports std::int64_t, double, std::string, Blob and std::optional of those");
    if (const auto* typed = std::get_if<T>(&value)) return *typed;
    detail::ThrowColumnType(column, TypeName(Value{T{}}), value);
  }
}

}  // namespace faceloop::db
