#pragma once
// Reading a window of whole hours from the rollups at the daily grain where it can: the whole UTC
// days inside the window from the daily tables (day_rows.hpp), the partial days at its edges from
// the hourly ones (or, for users, from the records). A month costs 30 daily rows per key instead of
// 720 hourly ones; the answer is the same.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "insights/bucket.hpp"
#include "insights/rollup_rows.hpp"
#include "requests/store.hpp"

namespace faceloop::insights {

/// [from, to) in UTC.
struct TimeRange {
  Time from;
  Time to;
};

/// A window [from, to) as its whole days and the ranges left at its edges (at most two).
struct DaySplit {
  std::optional<TimeRange> days;  ///< the whole UTC days inside the window; none when it holds none
  std::vector<TimeRange> edges;   ///< the rest, before and after the days (or the whole window)
};
DaySplit SplitDays(Time from, Time to);

/// One feature's bin summed over a range (BinRow's counters; its hour and model are left empty).
/// A (feature, bin) can come twice, from the daily and the hourly part: callers add them up.
std::vector<BinRow> SumBins(db::IDatabase& database, Time from, Time to, const std::vector<std::string>& features,
                            const std::optional<std::string>& model_version = std::nullopt);

/// Unique and returning users per bucket of [from, to) (`bucket` day, week or month: their edges
/// are whole days), from rollup_user_days over the whole days and the records over the edges, in
/// one statement. `bucket` absent: one bucket with an empty key, the whole window.
std::vector<requests::UserActivity> CountUsersByDay(db::IDatabase& database, Time from, Time to,
                                                    std::optional<Bucket> bucket);

}  // namespace faceloop::insights
