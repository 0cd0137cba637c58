#include "requests/store.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/time.hpp"
#include "db/typed_row.hpp"
#include "requests/sample.hpp"

namespace faceloop::requests {
namespace {

/// The request record's own column encoding on top of the shared ones: the image metadata and the
/// faces are JSON text. A NULL leaves a member at its default (older rows, failed requests).
struct RecordRowCodec : db::RowCodec {
  using RowCodec::FromValue;
  using RowCodec::ToValue;

  static db::Value ToValue(const nlohmann::json& value) { return value.dump(); }
  static void FromValue(const db::Row& row, std::size_t at, std::string_view, nlohmann::json& out) {
    out = nlohmann::json::parse(row.Get<std::string>(at), nullptr, /*allow_exceptions=*/false);
    if (out.is_discarded()) throw Error(ErrorCode::kInternal, "requests: a JSON column does not hold JSON");
  }
  static void NullInRequired(std::string_view) {}
};

const RequestRecord kShape{};  // only its field list is used

/// The record's columns, then its sample key (sample.hpp): a column of the table, not a field of
/// the record (derived from the id, never shipped or shown).
const std::string& InsertSql() {
  static const std::string sql = "INSERT INTO requests (" + db::ColumnList(kShape) + ", sample_key) VALUES (" +
                                 db::Placeholders(kShape) + ", ?) ON CONFLICT (id) DO NOTHING";
  return sql;
}

const std::string& SelectSql() {
  static const std::string sql = "SELECT " + db::ColumnList(kShape) + " FROM requests";
  return sql;
}

RequestRecord FromRow(const db::Row& row) { return db::FromRow<RecordRowCodec, RequestRecord>(row); }

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
  // A failed request has no face_count; it is listed as 0 faces, so it is filtered as 0.
  if (query.min_faces) add("COALESCE(face_count, 0) >= ?", *query.min_faces);
  if (query.max_faces) add("COALESCE(face_count, 0) <= ?", *query.max_faces);
  return where;
}

}  // namespace

bool RequestStore::Insert(db::IDatabase& tx, const RequestRecord& record) {
  db::Params params = db::ToParams<RecordRowCodec>(record);
  params.emplace_back(SampleKey(record.request_id));
  return tx.Execute(InsertSql(), params) > 0;
}

std::int64_t RequestStore::FillSampleKeys(db::IDatabase& tx) {
  constexpr std::int64_t kPage = 1000;
  std::int64_t filled = 0;
  for (;;) {
    const auto rows = tx.Query("SELECT id FROM requests WHERE sample_key IS NULL LIMIT ?", {kPage});
    for (const db::Row& row : rows) {
      const auto id = row.Get<std::string>(0);
      tx.Execute("UPDATE requests SET sample_key = ? WHERE id = ?", {SampleKey(id), id});
    }
    filled += static_cast<std::int64_t>(rows.size());
    if (static_cast<std::int64_t>(rows.size()) < kPage) return filled;
  }
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
