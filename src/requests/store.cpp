#include "requests/store.hpp"

#include <type_traits>

#include "common/error.hpp"
#include "common/time.hpp"

namespace faceloop::requests {
namespace {

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

db::Value ToValue(const std::string& value) { return value; }
db::Value ToValue(std::int64_t value) { return value; }
db::Value ToValue(double value) { return value; }
db::Value ToValue(bool value) { return static_cast<std::int64_t>(value ? 1 : 0); }
db::Value ToValue(const Time& value) { return FormatTimestamp(value); }
db::Value ToValue(const nlohmann::json& value) { return value.dump(); }

void FromValue(const db::Row& row, std::size_t column, std::string& out) { out = row.Get<std::string>(column); }
void FromValue(const db::Row& row, std::size_t column, std::int64_t& out) { out = row.Get<std::int64_t>(column); }
void FromValue(const db::Row& row, std::size_t column, double& out) { out = row.Get<double>(column); }
void FromValue(const db::Row& row, std::size_t column, bool& out) { out = row.Get<std::int64_t>(column) != 0; }
void FromValue(const db::Row& row, std::size_t column, Time& out) {
  out = ParseTimestamp(row.Get<std::string>(column));
}
void FromValue(const db::Row& row, std::size_t column, nlohmann::json& out) {
  out = nlohmann::json::parse(row.Get<std::string>(column), nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) throw Error(ErrorCode::kInternal, "requests: a JSON column does not hold JSON");
}

const RequestRecord kShape{};  // only its field list is used

std::string ColumnList() {
  std::string columns;
  ForEachField(kShape, [&columns](const FieldSpec& field, const auto&) {
    columns += (columns.empty() ? "" : ", ") + std::string(field.column);
  });
  return columns;
}

const std::string& InsertSql() {
  static const std::string sql = [] {
    std::string marks;
    ForEachField(kShape, [&marks](const FieldSpec&, const auto&) { marks += marks.empty() ? "?" : ", ?"; });
    return "INSERT INTO requests (" + ColumnList() + ") VALUES (" + marks + ") ON CONFLICT (id) DO NOTHING";
  }();
  return sql;
}

const std::string& SelectSql() {
  static const std::string sql = "SELECT " + ColumnList() + " FROM requests";
  return sql;
}

db::Params ToParams(const RequestRecord& record) {
  db::Params params;
  ForEachField(record, [&params](const FieldSpec&, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (IsOptional<T>::value) {
      params.push_back(value ? ToValue(*value) : db::Value(nullptr));
    } else {
      params.push_back(ToValue(value));
    }
  });
  return params;
}

RequestRecord FromRow(const db::Row& row) {
  RequestRecord record;
  std::size_t column = 0;
  ForEachField(record, [&row, &column](const FieldSpec&, auto& value) {
    using T = std::decay_t<decltype(value)>;
    const std::size_t at = column++;
    if (row.IsNull(at)) return;  // absent: the member keeps its default
    if constexpr (IsOptional<T>::value) {
      typename T::value_type read{};
      FromValue(row, at, read);
      value = std::move(read);
    } else {
      FromValue(row, at, value);
    }
  });
  return record;
}

/// The WHERE clause of a listing, and its parameters.
std::string Where(const ListQuery& query, db::Params& params) {
  std::string where;
  auto add = [&](const char* clause, db::Value value) {
    where += where.empty() ? " WHERE " : " AND ";
    where += clause;
    params.push_back(std::move(value));
  };
  if (query.user_id) add("user_id = ?", *query.user_id);
  if (query.before_id) add("id < ?", *query.before_id);
  if (query.from) add("received_at >= ?", FormatTimestamp(*query.from));
  if (query.to) add("received_at < ?", FormatTimestamp(*query.to));
  if (query.min_confidence) add("confidence_max >= ?", *query.min_confidence);
  if (query.max_confidence) add("confidence_max <= ?", *query.max_confidence);
  return where;
}

}  // namespace

bool RequestStore::Insert(db::IDatabase& tx, const RequestRecord& record) {
  return tx.Execute(InsertSql(), ToParams(record)) > 0;
}

std::optional<RequestRecord> RequestStore::Find(const std::string& request_id) {
  const auto row = database_.QueryOne(SelectSql() + " WHERE id = ? LIMIT 1", {request_id});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

std::vector<RequestRecord> RequestStore::List(const ListQuery& query) {
  db::Params params;
  const std::string where = Where(query, params);
  params.emplace_back(static_cast<std::int64_t>(query.limit));
  std::vector<RequestRecord> records;
  for (const db::Row& row : database_.Query(SelectSql() + where + " ORDER BY id DESC LIMIT ?", params)) {
    records.push_back(FromRow(row));
  }
  return records;
}

std::vector<std::string> RequestStore::ImageKeysOf(const std::string& user_id) {
  std::vector<std::string> keys;
  for (const db::Row& row :
       database_.Query("SELECT image_key FROM requests WHERE user_id = ? AND image_key IS NOT NULL", {user_id})) {
    keys.push_back(row.Get<std::string>(0));
  }
  return keys;
}

std::int64_t RequestStore::PurgeUser(const std::string& user_id) {
  return database_.Execute("DELETE FROM requests WHERE user_id = ?", {user_id});
}

std::vector<UserActivity> RequestStore::CountUsers(Time from, Time to, const std::string& bucket_sql) {
  // Per bucket and user first (its requests and active days), then per bucket.
  const std::string sql =
      "SELECT bucket, COUNT(*), SUM(CASE WHEN n > 1 AND active_days > 1 THEN 1 ELSE 0 END) FROM (SELECT " + bucket_sql +
      " AS bucket, user_id, COUNT(*) AS n, COUNT(DISTINCT substr(received_at, 1, 10)) AS active_days FROM requests "
      "WHERE received_at >= ? AND received_at < ? GROUP BY " +
      bucket_sql + ", user_id) AS per_user GROUP BY bucket";
  std::vector<UserActivity> counts;
  for (const db::Row& row : database_.Query(sql, {FormatTimestamp(from), FormatTimestamp(to)})) {
    counts.push_back({row.Get<std::string>(0), row.Get<std::int64_t>(1), row.Get<std::int64_t>(2)});
  }
  return counts;
}

}  // namespace faceloop::requests
