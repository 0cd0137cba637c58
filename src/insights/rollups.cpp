#include "insights/rollups.hpp"

#include <map>
#include <string>

#include "common/time.hpp"
#include "insights/bucket.hpp"
#include "insights/day_rows.hpp"
#include "insights/features.hpp"
#include "insights/rollup_sql.hpp"
#include "requests/store.hpp"

namespace faceloop::insights {
namespace {

using requests::RequestRecord;

// 8 columns x 200 rows = 1600 parameters, far below SQLite's 32766 and PostgreSQL's 65535.
constexpr std::size_t kRowsPerStatement = 200;

/// One batch's rollup rows, merged by key.
class BatchRollup {
 public:
  void Add(const RequestRecord& r) {
    HourRow hour;
    hour.hour = FormatTimestamp(FloorHour(r.received_at));
    const std::string day = FormatTimestamp(BucketStart(Bucket::kDay, r.received_at));
    // Anonymous requests (no user id) are no user to count.
    if (!r.user_id.empty()) Merge(user_days_, UserDayRow{day, r.user_id, 1});
    hour.model_name = r.model_name;
    hour.model_version = r.model_version.value_or("");
    const bool ok = r.status == 200;
    hour.requests = 1;
    hour.errors = ok ? 0 : 1;
    hour.faces = ok ? r.face_count.value_or(0) : 0;
    hour.no_face = ok && r.face_count.value_or(0) == 0 ? 1 : 0;
    if (!ok) {
      Merge(errors_, ErrorRow{hour.hour, hour.model_name, hour.model_version, r.error_type.value_or("unknown"), 1});
    }
    for (const Feature& feature : Features()) {
      values_.clear();
      feature.read(r, values_);
      for (const double value : values_) {
        const auto bin = static_cast<std::int64_t>(BinOf(feature, value));
        Merge(bins_, BinRow{std::string(feature.name), hour.hour, hour.model_name, hour.model_version, bin, 1, value,
                            value * value});
        Merge(day_bins_, DayBinRow{std::string(feature.name), day, hour.model_name, hour.model_version, bin, 1, value,
                                   value * value});
      }
    }
    Merge(hours_, std::move(hour));
  }

  /// Tables in a fixed order and rows in key order (std::map): two processes shipping into one
  /// PostgreSQL lock shared rows in the same order, so their upserts wait for each other instead of
  /// deadlocking.
  void Write(db::IDatabase& tx) const {
    WriteAll(tx, hours_);
    WriteAll(tx, errors_);
    WriteAll(tx, bins_);
    WriteAll(tx, day_bins_);
    WriteAll(tx, user_days_);
  }

 private:
  template <typename Row>
  static void Merge(std::map<std::string, Row>& rows, Row row) {
    const auto [it, inserted] = rows.try_emplace(KeyOf(row), row);
    if (!inserted) AddCounters(it->second, row);
  }

  /// Multi-row upserts: one round trip per kRowsPerStatement rows, not per row (PostgreSQL).
  template <typename Row>
  static void WriteAll(db::IDatabase& tx, const std::map<std::string, Row>& rows) {
    static const std::string full = UpsertSql<Row>(kRowsPerStatement);
    db::Params params;
    std::size_t pending = 0;
    const auto flush = [&] {
      if (pending > 0) tx.Execute(pending == kRowsPerStatement ? full : UpsertSql<Row>(pending), params);
      params.clear();
      pending = 0;
    };
    for (const auto& [key, row] : rows) {
      AppendParams(row, params);
      if (++pending == kRowsPerStatement) flush();
    }
    flush();
  }

  std::map<std::string, HourRow> hours_;
  std::map<std::string, ErrorRow> errors_;
  std::map<std::string, BinRow> bins_;
  std::map<std::string, DayBinRow> day_bins_;
  std::map<std::string, UserDayRow> user_days_;
  std::vector<double> values_;  // reused between features
};

}  // namespace

void AddToRollups(db::IDatabase& tx, const std::vector<const RequestRecord*>& records) {
  if (records.empty()) return;
  BatchRollup batch;
  for (const RequestRecord* record : records) batch.Add(*record);
  batch.Write(tx);
}

std::int64_t RebuildRollups(db::IDatabase& database) {
  constexpr int kPage = 1000;
  std::int64_t counted = 0;
  database.Transaction([&](db::IDatabase& tx) {
    counted = 0;
    // SQLite's write transaction already excludes the shipper; PostgreSQL needs the table lock, or a
    // record shipped meanwhile could be counted by both.
    if (tx.dialect() == db::Dialect::kPostgres) tx.Execute("LOCK TABLE requests IN SHARE MODE");
    for (const std::string_view table :
         {HourRow::kTable, ErrorRow::kTable, BinRow::kTable, DayBinRow::kTable, UserDayRow::kTable}) {
      tx.Execute("DELETE FROM " + std::string(table));
    }
    requests::RequestStore::FillSampleKeys(tx);  // the one pass over old records, while it runs anyway
    requests::RequestStore store(tx);
    requests::ListQuery page;
    page.limit = kPage;
    for (;;) {
      const std::vector<RequestRecord> records = store.List(page);
      std::vector<const RequestRecord*> pointers;
      pointers.reserve(records.size());
      for (const RequestRecord& record : records) pointers.push_back(&record);
      AddToRollups(tx, pointers);
      counted += static_cast<std::int64_t>(records.size());
      if (records.size() < static_cast<std::size_t>(kPage)) break;
      page.before_id = records.back().request_id;
    }
  });
  return counted;
}

std::int64_t PurgeUserRollups(db::IDatabase& database, const std::string& user_id) {
  return database.Execute("DELETE FROM " + std::string(UserDayRow::kTable) + " WHERE user_id = ?", {user_id});
}

std::int64_t CountSuccesses(db::IDatabase& database, Time from, Time to) {
  const auto row = database.QueryOne(
      "SELECT SUM(requests - errors) FROM " + std::string(HourRow::kTable) + " WHERE hour >= ? AND hour < ?",
      {FormatTimestamp(from), FormatTimestamp(to)});
  return row ? row->Get<std::optional<std::int64_t>>(0).value_or(0) : 0;
}

}  // namespace faceloop::insights
