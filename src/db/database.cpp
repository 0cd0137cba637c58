#include "db/database.hpp"

#include <algorithm>
#include <chrono>

#include "common/error.hpp"
#include "db/timestamp.hpp"

namespace faceloop::db {

std::string_view TypeName(const Value& value) {
  constexpr std::string_view kNames[] = {"NULL", "INTEGER", "REAL", "TEXT", "BLOB"};
  return kNames[value.index()];
}

namespace detail {
void ThrowColumnType(std::size_t column, std::string_view expected, const Value& found) {
  throw Error(ErrorCode::kInternal, "database column " + std::to_string(column) + ": expected " +
                                        std::string(expected) + ", found " + std::string(TypeName(found)));
}
}  // namespace detail

const Value& Row::At(std::size_t column) const {
  if (column >= values_.size()) {
    throw Error(ErrorCode::kInternal, "database column " + std::to_string(column) + " out of range (row has " +
                                          std::to_string(values_.size()) + ")");
  }
  return values_[column];
}

std::optional<Row> IDatabase::QueryOne(std::string_view sql, const Params& params) {
  auto rows = Query(sql, params);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

namespace {

std::vector<const Migration*> SortedByVersion(const std::vector<Migration>& migrations) {
  std::vector<const Migration*> sorted;
  sorted.reserve(migrations.size());
  for (const auto& migration : migrations) sorted.push_back(&migration);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->version < b->version; });
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (sorted[i]->version <= 0 || (i > 0 && sorted[i]->version == sorted[i - 1]->version)) {
      throw Error(ErrorCode::kInternal, "migration versions must be positive and unique (version " +
                                            std::to_string(sorted[i]->version) + ")");
    }
  }
  return sorted;
}

}  // namespace

void IDatabase::ApplyMigrations(const std::vector<Migration>& migrations) {
  const auto sorted = SortedByVersion(migrations);
  const std::int64_t known = sorted.empty() ? 0 : sorted.back()->version;
  if (const std::int64_t current = SchemaVersion(); current > known) {
    // Running old code against a newer schema could corrupt data the newer code relies on.
    throw Error(ErrorCode::kInternal, "database schema version " + std::to_string(current) +
                                          " is newer than this build supports (" + std::to_string(known) + ")");
  }
  for (const Migration* migration : sorted) {
    Transaction([&](IDatabase& tx) {
      DoLockMigrations(tx);
      // Checked inside the transaction: another process may have applied it since we last looked.
      if (tx.QueryOne("SELECT 1 FROM schema_migrations WHERE version = ?", {migration->version})) return;
      tx.ExecuteScript(migration->sql);
      tx.Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                 {migration->version, migration->name, FormatTimestamp(std::chrono::system_clock::now())});
    });
  }
}

std::int64_t IDatabase::SchemaVersion() {
  Transaction([&](IDatabase& tx) {
    DoLockMigrations(tx);  // two processes' CREATE TABLE IF NOT EXISTS can otherwise collide
    tx.Execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)");
  });
  const auto row = QueryOne("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  return row ? row->Get<std::int64_t>(0) : 0;
}

}  // namespace faceloop::db
