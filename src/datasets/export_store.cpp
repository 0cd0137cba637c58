#include "datasets/export_store.hpp"

#include "common/error.hpp"
#include "common/field_json.hpp"
#include "common/time.hpp"
#include "db/typed_row.hpp"

namespace faceloop::datasets {
namespace {

/// The JSON members (params, counts) are JSON text in their columns.
struct ExportRowCodec : db::RowCodec {
  using RowCodec::FromValue;
  using RowCodec::ToValue;

  static db::Value ToValue(const nlohmann::json& value) { return value.dump(); }
  static void FromValue(const db::Row& row, std::size_t at, std::string_view, nlohmann::json& out) {
    out = nlohmann::json::parse(row.Get<std::string>(at), nullptr, /*allow_exceptions=*/false);
    if (out.is_discarded()) throw Error(ErrorCode::kInternal, "exports: a JSON column does not hold JSON");
  }
  static void NullInRequired(std::string_view column) {
    throw Error(ErrorCode::kInternal, "exports: NULL in required column " + std::string(column));
  }
};

struct ExportJsonCodec : fields::JsonCodec {
  using JsonCodec::Encode;
  static nlohmann::json Encode(const nlohmann::json& value) { return value; }
};

const ExportRecord kShape{};

const std::string& SelectSql() {
  static const std::string sql = "SELECT " + db::ColumnList(kShape) + " FROM exports";
  return sql;
}

}  // namespace

void ExportStore::Create(const ExportRecord& record) {
  database_.Execute("INSERT INTO exports (" + db::ColumnList(kShape) + ") VALUES (" + db::Placeholders(kShape) + ")",
                    db::ToParams<ExportRowCodec>(record));
}

void ExportStore::AddItems(db::IDatabase& tx, const std::string& export_id, const std::vector<ExportItemRow>& items) {
  for (const ExportItemRow& item : items) {
    tx.Execute(
        "INSERT INTO export_items (export_id, request_id, user_id) VALUES (?, ?, ?) ON CONFLICT "
        "(export_id, request_id) DO NOTHING",
        {export_id, item.request_id, item.user_id});
  }
}

void ExportStore::Finish(const std::string& id, std::string_view status, const nlohmann::json& counts,
                         const std::string& location, const std::optional<std::string>& error) {
  database_.Execute(
      "UPDATE exports SET status = ?, counts_json = ?, location = ?, error = ?, finished_at = ? WHERE id = ?",
      {std::string(status), counts.dump(), location, error ? db::Value(*error) : db::Value(nullptr),
       FormatTimestamp(std::chrono::system_clock::now()), id});
}

std::optional<ExportRecord> ExportStore::Find(const std::string& id) {
  const auto row = database_.QueryOne(SelectSql() + " WHERE id = ? LIMIT 1", {id});
  if (!row) return std::nullopt;
  return db::FromRow<ExportRowCodec, ExportRecord>(*row);
}

std::vector<ExportRecord> ExportStore::List(int limit, const std::optional<std::string>& before_id) {
  db::Params params;
  std::string sql = SelectSql();
  if (before_id) {
    sql += " WHERE id < ?";
    params.emplace_back(*before_id);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(limit));
  std::vector<ExportRecord> records;
  for (const db::Row& row : database_.Query(sql, params)) {
    records.push_back(db::FromRow<ExportRowCodec, ExportRecord>(row));
  }
  return records;
}

std::vector<std::string> ExportStore::ExportsContaining(const std::string& user_id) {
  std::vector<std::string> ids;
  for (const db::Row& row : database_.Query(
           "SELECT DISTINCT export_id FROM export_items WHERE user_id = ? ORDER BY export_id DESC", {user_id})) {
    ids.push_back(row.Get<std::string>(0));
  }
  return ids;
}

std::int64_t ExportStore::FailInterrupted() {
  return database_.Execute(
      "UPDATE exports SET status = 'failed', error = 'interrupted: the process ended during the export', "
      "finished_at = ? WHERE status = 'running'",
      {FormatTimestamp(std::chrono::system_clock::now())});
}

nlohmann::json ExportStore::ToJson(const ExportRecord& record) { return fields::ToJson<ExportJsonCodec>(record); }

}  // namespace faceloop::datasets
