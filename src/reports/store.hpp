#pragma once
// The `reports` table: one row per (period, start), so each period is produced once even when
// two processes build it at the same time (the second insert does nothing and reads the first's).
// The report itself is its JSON form (report_json.hpp) in report_json; the columns beside it are
// what listings filter and page on, and the e-mail's delivery state.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.hpp"
#include "reports/report.hpp"

namespace faceloop::reports {

struct StoredReport {
  std::string id;
  std::string period;
  Time start;
  Time end;
  std::string time_zone;
  Time created_at;
  std::optional<Time> sent_at;  ///< when the e-mail went out; absent until then
  Report report;
};

/// A column of `reports`; the row's field list below names them once.
struct Column {
  std::string_view column;
};

template <typename Row, typename Visit>
void ForEachField(Row& r, Visit&& visit) {
  visit(Column{"id"}, r.id);
  visit(Column{"period"}, r.period);
  visit(Column{"start_at"}, r.start);
  visit(Column{"end_at"}, r.end);
  visit(Column{"time_zone"}, r.time_zone);
  visit(Column{"created_at"}, r.created_at);
  visit(Column{"sent_at"}, r.sent_at);
  visit(Column{"report_json"}, r.report);
}

/// The id of the report of `period` starting at `start`: "week-20250324T0000Z". One id per
/// (period, start), readable, and safe in a URL.
std::string ReportId(std::string_view period, Time start);

struct ReportListQuery {
  std::optional<std::string> period;
  std::optional<std::string> cursor;  ///< the last id of the previous page
  int limit = 20;
};

class ReportStore {
 public:
  explicit ReportStore(db::IDatabase& database) : database_(database) {}

  /// Stores `row` unless its period already has a report; returns the stored one either way, and
  /// in `inserted` whether it was this call's.
  StoredReport InsertOnce(const StoredReport& row, bool* inserted = nullptr);
  std::optional<StoredReport> Find(const std::string& id);
  /// Newest start first (then id), paged by the last id.
  std::vector<StoredReport> List(const ReportListQuery& query);
  /// Takes the right to send `id`'s e-mail: true for exactly one caller until ReleaseSend.
  bool ClaimSend(const std::string& id, Time now);
  /// Gives the claim back after a failed send, so a later call sends it.
  void ReleaseSend(const std::string& id);

 private:
  db::IDatabase& database_;
};

}  // namespace faceloop::reports
