#include "insights/day_window.hpp"

#include <chrono>

#include "common/time.hpp"
#include "insights/day_rows.hpp"

namespace faceloop::insights {
namespace {

/// "SELECT feature, bin, SUM(count), SUM(sum_x), SUM(sum_x2) FROM <table> WHERE ... GROUP BY
/// feature, bin", derived from the row's column list: `time` is its hour or day column.
template <typename Row>
std::string SumBinsSql(std::string_view time, std::size_t features, bool one_model) {
  std::string select, group;
  const Row shape{};
  Row::ForEachColumn(
      [&](const Column& column, const auto&) {
        const std::string name(column.name);
        const bool kept = name == "feature" || name == "bin";  // the other keys are summed over
        if (column.role == ColumnRole::kKey && !kept) return;
        if (column.role == ColumnRole::kKey) group += (group.empty() ? "" : ", ") + name;
        select += (select.empty() ? "" : ", ") + (column.role == ColumnRole::kKey ? name : "SUM(" + name + ")");
      },
      shape);
  std::string marks;
  for (std::size_t i = 0; i < features; ++i) marks += i == 0 ? "?" : ", ?";
  const std::string t(time);
  return "SELECT " + select + " FROM " + std::string(Row::kTable) + " WHERE feature IN (" + marks + ") AND " + t +
         " >= ? AND " + t + " < ?" + (one_model ? " AND model_version = ?" : "") + " GROUP BY " + group;
}

template <typename Row>
void AppendSums(db::IDatabase& database, std::string_view time, const TimeRange& range,
                const std::vector<std::string>& features, const std::optional<std::string>& model_version,
                std::vector<BinRow>& out) {
  db::Params params(features.begin(), features.end());
  params.emplace_back(FormatTimestamp(range.from));
  params.emplace_back(FormatTimestamp(range.to));
  if (model_version) params.emplace_back(*model_version);
  const std::string sql = SumBinsSql<Row>(time, features.size(), model_version.has_value());
  for (const db::Row& stored : database.Query(sql, params)) {
    // The daily and hourly rows share the kept keys and counters, in the same order.
    BinRow row;
    std::size_t at = 0;
    BinRow::ForEachColumn(
        [&](const Column& column, auto& value) {
          if (column.role == ColumnRole::kKey && column.name != "feature" && column.name != "bin") return;
          value = stored.Get<std::decay_t<decltype(value)>>(at++);
        },
        row);
    out.push_back(std::move(row));
  }
}

}  // namespace

DaySplit SplitDays(Time from, Time to) {
  using std::chrono::days;
  Time first = BucketStart(Bucket::kDay, from);
  if (first < from) first += days(1);
  const Time last = BucketStart(Bucket::kDay, to);
  if (first >= last) return {std::nullopt, {{from, to}}};
  DaySplit split{TimeRange{first, last}, {}};
  if (from < first) split.edges.push_back({from, first});
  if (last < to) split.edges.push_back({last, to});
  return split;
}

std::vector<BinRow> SumBins(db::IDatabase& database, Time from, Time to, const std::vector<std::string>& features,
                            const std::optional<std::string>& model_version) {
  std::vector<BinRow> rows;
  if (features.empty()) return rows;
  const DaySplit split = SplitDays(from, to);
  if (split.days) AppendSums<DayBinRow>(database, "day", *split.days, features, model_version, rows);
  for (const TimeRange& edge : split.edges) AppendSums<BinRow>(database, "hour", edge, features, model_version, rows);
  return rows;
}

std::vector<requests::UserActivity> CountUsersByDay(db::IDatabase& database, Time from, Time to,
                                                    std::optional<Bucket> bucket) {
  const DaySplit split = SplitDays(from, to);
  std::vector<std::string> parts;
  db::Params params;
  if (split.days) {
    parts.push_back("SELECT day, user_id, requests AS n FROM " + std::string(UserDayRow::kTable) +
                    " WHERE day >= ? AND day < ?");
    params = {FormatTimestamp(split.days->from), FormatTimestamp(split.days->to)};
  }
  for (const TimeRange& edge : split.edges) {
    // The records of a partial day as rollup_user_days would hold them (the same day key, the same
    // rule for anonymous requests), read on the (received_at, user_id) index only.
    parts.emplace_back(
        "SELECT substr(received_at, 1, 10) || 'T00:00:00.000Z' AS day, user_id, COUNT(*) AS n FROM requests "
        "WHERE received_at >= ? AND received_at < ? AND user_id IS NOT NULL AND user_id <> '' GROUP BY 1, 2");
    params.emplace_back(FormatTimestamp(edge.from));
    params.emplace_back(FormatTimestamp(edge.to));
  }
  // The parts cover disjoint days and each holds one row per day and user: a user's rows in a
  // bucket are its active days there, so no COUNT(DISTINCT) (which sorts; these hash).
  std::string days;
  for (const std::string& part : parts) days += (days.empty() ? "" : " UNION ALL ") + part;
  const std::string key = bucket ? BucketSql(*bucket, database.dialect(), "day") : "substr(day, 1, 0)";
  std::string sql;
  if (bucket == Bucket::kDay) {
    // One active day per bucket: never returning, and each row is one user.
    sql = "SELECT " + key + ", COUNT(*), 0 FROM (" + days + ") AS days GROUP BY " + key;
  } else {
    sql = "SELECT bucket, COUNT(*), SUM(CASE WHEN n > 1 AND active_days > 1 THEN 1 ELSE 0 END) FROM (SELECT " + key +
          " AS bucket, user_id, SUM(n) AS n, COUNT(*) AS active_days FROM (" + days + ") AS days GROUP BY " + key +
          ", user_id) AS per_user GROUP BY bucket";
  }
  std::vector<requests::UserActivity> counts;
  for (const db::Row& row : database.Query(sql, params)) {
    counts.push_back({row.Get<std::string>(0), row.Get<std::int64_t>(1), row.Get<std::int64_t>(2)});
  }
  return counts;
}

}  // namespace faceloop::insights
