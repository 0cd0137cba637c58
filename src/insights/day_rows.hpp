#pragma once
// The daily rollups (migration 11, docs/insights.md "At scale"): kept by the shipper beside the
// hourly ones (rollup_rows.hpp), in the same transaction and with the same derived SQL
// (rollup_sql.hpp), so a month is read as 30 days instead of 720 hours. `day` is the day's start in
// the timestamp format (`2026-11-01T00:00:00.000Z`), so the bucket expressions work on it unchanged.
#include <cstdint>
#include <string>
#include <string_view>

#include "insights/rollup_rows.hpp"

namespace faceloop::insights {

/// One histogram bin of one feature per day and model version: rollup_bins summed over the day.
struct DayBinRow {
  static constexpr std::string_view kTable = "rollup_bin_days";
  std::string feature;
  std::string day;
  std::string model_name;
  std::string model_version;
  std::int64_t bin = 0;
  std::int64_t count = 0;
  double sum_x = 0;
  double sum_x2 = 0;

  template <typename Visit, typename... Rows>
  static void ForEachColumn(Visit&& visit, Rows&... rows) {
    using R = ColumnRole;
    visit(Column{"feature", R::kKey}, rows.feature...);
    visit(Column{"day", R::kKey}, rows.day...);
    visit(Column{"model_name", R::kKey}, rows.model_name...);
    visit(Column{"model_version", R::kKey}, rows.model_version...);
    visit(Column{"bin", R::kKey}, rows.bin...);
    visit(Column{"count", R::kCounter}, rows.count...);
    visit(Column{"sum_x", R::kCounter}, rows.sum_x...);
    visit(Column{"sum_x2", R::kCounter}, rows.sum_x2...);
  }
};

/// Requests (any outcome) per day and user: what the summary counts unique and returning users
/// from. Not per model version: the summary counts users per bucket, and the key would double
/// the rows a month holds. It holds user ids, so account deletion purges it (PurgeUserRollups).
struct UserDayRow {
  static constexpr std::string_view kTable = "rollup_user_days";
  std::string day;
  std::string user_id;
  std::int64_t requests = 0;

  template <typename Visit, typename... Rows>
  static void ForEachColumn(Visit&& visit, Rows&... rows) {
    using R = ColumnRole;
    visit(Column{"day", R::kKey}, rows.day...);
    visit(Column{"user_id", R::kKey}, rows.user_id...);
    visit(Column{"requests", R::kCounter}, rows.requests...);
  }
};

}  // namespace faceloop::insights
