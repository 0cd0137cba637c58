#include "reports/store.hpp"

#include <cstdio>

#include "common/error.hpp"
#include "db/typed_row.hpp"
#include "reports/report_json.hpp"

namespace faceloop::reports {
namespace {

/// The report column is its JSON text.
struct ReportRowCodec : db::RowCodec {
  using RowCodec::FromValue;
  using RowCodec::ToValue;

  static db::Value ToValue(const Report& value) { return ToJson(value).dump(); }
  static void FromValue(const db::Row& row, std::size_t at, std::string_view, Report& out) {
    const auto json = nlohmann::json::parse(row.Get<std::string>(at), nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) throw Error(ErrorCode::kInternal, "reports: report_json does not hold JSON");
    out = ReportFromJson(json);
  }
  static void NullInRequired(std::string_view column) {
    throw Error(ErrorCode::kInternal, "reports: NULL in column " + std::string(column));
  }
};

const StoredReport kShape{};

const std::string& SelectSql() {
  static const std::string sql = "SELECT " + db::ColumnList(kShape) + " FROM reports";
  return sql;
}

StoredReport FromRow(const db::Row& row) {
  StoredReport stored = db::FromRow<ReportRowCodec, StoredReport>(row);
  stored.report.id = stored.id;
  return stored;
}

}  // namespace

std::string ReportId(std::string_view period, Time start) {
  const std::string t = FormatTimestamp(start);  // 2025-03-24T00:00:00.000Z
  return std::string(period) + "-" + t.substr(0, 4) + t.substr(5, 2) + t.substr(8, 2) + "T" + t.substr(11, 2) +
         t.substr(14, 2) + "Z";
}

StoredReport ReportStore::InsertOnce(const StoredReport& row, bool* inserted) {
  static const std::string insert = "INSERT INTO reports (" + db::ColumnList(kShape) + ") VALUES (" +
                                    db::Placeholders(kShape) + ") ON CONFLICT DO NOTHING";
  std::optional<StoredReport> stored;
  database_.Transaction([&](db::IDatabase& tx) {
    const bool added = tx.Execute(insert, db::ToParams<ReportRowCodec>(row)) > 0;
    if (inserted != nullptr) *inserted = added;
    const auto found =
        tx.QueryOne(SelectSql() + " WHERE period = ? AND start_at = ?", {row.period, FormatTimestamp(row.start)});
    if (found) stored = FromRow(*found);
  });
  // Another row holds the id: the same period started elsewhere (the time zone was changed).
  if (!stored) throw Error(ErrorCode::kConflict, "report " + row.id + " exists for another time zone");
  return std::move(*stored);
}

std::optional<StoredReport> ReportStore::Find(const std::string& id) {
  const auto row = database_.QueryOne(SelectSql() + " WHERE id = ?", {id});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

std::vector<StoredReport> ReportStore::List(const ReportListQuery& query) {
  std::string where;
  db::Params params;
  if (query.period) {
    where += " WHERE period = ?";
    params.emplace_back(*query.period);
  }
  if (query.cursor) {
    // Strictly after the cursor's row in (start_at DESC, id DESC) order.
    where += where.empty() ? " WHERE " : " AND ";
    where +=
        "(start_at < (SELECT start_at FROM reports WHERE id = ?) OR (start_at = (SELECT start_at FROM reports "
        "WHERE id = ?) AND id < ?))";
    params.insert(params.end(), {*query.cursor, *query.cursor, *query.cursor});
  }
  params.emplace_back(static_cast<std::int64_t>(query.limit));
  std::vector<StoredReport> out;
  for (const db::Row& row : database_.Query(SelectSql() + where + " ORDER BY start_at DESC, id DESC LIMIT ?", params)) {
    out.push_back(FromRow(row));
  }
  return out;
}

bool ReportStore::ClaimSend(const std::string& id, Time now) {
  return database_.Execute("UPDATE reports SET sent_at = ? WHERE id = ? AND sent_at IS NULL",
                           {FormatTimestamp(now), id}) == 1;
}

void ReportStore::ReleaseSend(const std::string& id) {
  database_.Execute("UPDATE reports SET sent_at = NULL WHERE id = ?", {id});
}

}  // namespace faceloop::reports
