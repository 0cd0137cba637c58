#pragma once
// SQL and merging derived from a rollup row's column list (rollup_rows.hpp): nothing here names a
// column, so a new counter is one line in its row's ForEachColumn (and the migration).
#include <string>
#include <type_traits>
#include <vector>

#include "db/database.hpp"
#include "insights/rollup_rows.hpp"

namespace faceloop::insights {

/// The row's key columns, in order, as one comparable string (for in-memory aggregation).
template <typename Row>
std::string KeyOf(const Row& row) {
  std::string key;
  Row::ForEachColumn(
      [&key](const Column& column, const auto& value) {
        if (column.role != ColumnRole::kKey) return;
        if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::string>) {
          key += value;
        } else {
          key += std::to_string(value);
        }
        key += '\x1f';  // a separator that no key text holds
      },
      row);
  return key;
}

/// Adds `from`'s counters to `into`'s.
template <typename Row>
void AddCounters(Row& into, const Row& from) {
  Row::ForEachColumn(
      [](const Column& column, auto& to, const auto& add) {
        if constexpr (std::is_arithmetic_v<std::decay_t<decltype(to)>>) {
          if (column.role == ColumnRole::kCounter) to += add;
        }
      },
      into, from);
}

/// INSERT of `rows` rows of every column; on a key conflict, the counters are added to the stored
/// ones. The rows of one statement must have distinct keys (PostgreSQL refuses to update a row twice).
template <typename Row>
std::string UpsertSql(std::size_t rows = 1) {
  std::string columns, marks, keys, updates;
  const std::string table(Row::kTable);
  const Row shape{};  // only its column list is used
  Row::ForEachColumn(
      [&](const Column& column, const auto&) {
        const std::string name(column.name);
        columns += (columns.empty() ? "" : ", ") + name;
        marks += marks.empty() ? "?" : ", ?";
        if (column.role == ColumnRole::kKey) {
          keys += (keys.empty() ? "" : ", ") + name;
        } else {
          updates += (updates.empty() ? "" : ", ") + name + " = " + table + "." + name + " + excluded." + name;
        }
      },
      shape);
  std::string values;
  for (std::size_t i = 0; i < rows; ++i) values += (i == 0 ? "(" : ", (") + marks + ")";
  return "INSERT INTO " + table + " (" + columns + ") VALUES " + values + " ON CONFLICT (" + keys + ") DO UPDATE SET " +
         updates;
}

/// Appends the row's values, in column order.
template <typename Row>
void AppendParams(const Row& row, db::Params& params) {
  Row::ForEachColumn([&params](const Column&, const auto& value) { params.emplace_back(value); }, row);
}

/// SELECT of every column with the hour (or day) replaced by `bucket_sql` (an expression over it) and
/// the counters summed per bucket and other keys; then `where` (over the table's columns).
template <typename Row>
std::string SelectByBucketSql(const std::string& bucket_sql, const std::string& where) {
  std::string select, group;
  const Row shape{};
  Row::ForEachColumn(
      [&](const Column& column, const auto&) {
        const std::string name(column.name);
        std::string expression = name == "hour" || name == "day" ? bucket_sql : name;  // the time column
        if (column.role == ColumnRole::kKey) {
          group += (group.empty() ? "" : ", ") + expression;
        } else {
          expression = "SUM(" + name + ")";
        }
        select += (select.empty() ? "" : ", ") + expression;
      },
      shape);
  return "SELECT " + select + " FROM " + std::string(Row::kTable) + " WHERE " + where + " GROUP BY " + group;
}

template <typename Row>
Row FromRow(const db::Row& stored) {
  Row row;
  std::size_t at = 0;
  Row::ForEachColumn([&](const Column&, auto& value) { value = stored.Get<std::decay_t<decltype(value)>>(at++); }, row);
  return row;
}

}  // namespace faceloop::insights
