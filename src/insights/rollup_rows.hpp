#pragma once
// The rows of the rollup tables (migration v5), each with ONE column list (ForEachColumn) from
// which their upsert, their bucketed read and their in-memory merge are derived (rollup_sql.hpp).
// Every table is keyed by the hour (FormatTimestamp of its start) and the model; the counters only
// ever grow, by `ON CONFLICT (keys) DO UPDATE SET c = c + excluded.c`.
#include <cstdint>
#include <string>
#include <string_view>

namespace faceloop::insights {

enum class ColumnRole {
  kKey,      ///< part of the primary key
  kCounter,  ///< summed
};

struct Column {
  std::string_view name;
  ColumnRole role;
};

/// requests, outcomes and faces per hour and model version.
struct HourRow {
  static constexpr std::string_view kTable = "rollup_hours";
  std::string hour;  ///< read back through a bucket: the bucket's key instead
  std::string model_name;
  std::string model_version;  ///< "" for records without one (failed requests)
  std::int64_t requests = 0;
  std::int64_t errors = 0;   ///< status other than 200
  std::int64_t faces = 0;    ///< faces returned
  std::int64_t no_face = 0;  ///< successful requests that returned no face

  /// `visit(const Column&, member&...)` once per column, in order, with that member of each row.
  template <typename Visit, typename... Rows>
  static void ForEachColumn(Visit&& visit, Rows&... rows) {
    using R = ColumnRole;
    visit(Column{"hour", R::kKey}, rows.hour...);
    visit(Column{"model_name", R::kKey}, rows.model_name...);
    visit(Column{"model_version", R::kKey}, rows.model_version...);
    visit(Column{"requests", R::kCounter}, rows.requests...);
    visit(Column{"errors", R::kCounter}, rows.errors...);
    visit(Column{"faces", R::kCounter}, rows.faces...);
    visit(Column{"no_face", R::kCounter}, rows.no_face...);
  }
};

/// Failed requests per hour, model version and problem type.
struct ErrorRow {
  static constexpr std::string_view kTable = "rollup_errors";
  std::string hour;
  std::string model_name;
  std::string model_version;
  std::string error_type;  ///< the problem type's slug
  std::int64_t count = 0;

  template <typename Visit, typename... Rows>
  static void ForEachColumn(Visit&& visit, Rows&... rows) {
    using R = ColumnRole;
    visit(Column{"hour", R::kKey}, rows.hour...);
    visit(Column{"model_name", R::kKey}, rows.model_name...);
    visit(Column{"model_version", R::kKey}, rows.model_version...);
    visit(Column{"error_type", R::kKey}, rows.error_type...);
    visit(Column{"count", R::kCounter}, rows.count...);
  }
};

/// One histogram bin of one feature (features.hpp) per hour and model version.
struct BinRow {
  static constexpr std::string_view kTable = "rollup_bins";
  std::string feature;
  std::string hour;
  std::string model_name;
  std::string model_version;
  std::int64_t bin = 0;
  std::int64_t count = 0;
  double sum_x = 0;   ///< sum of the values in the bin
  double sum_x2 = 0;  ///< sum of their squares

  template <typename Visit, typename... Rows>
  static void ForEachColumn(Visit&& visit, Rows&... rows) {
    using R = ColumnRole;
    visit(Column{"feature", R::kKey}, rows.feature...);
    visit(Column{"hour", R::kKey}, rows.hour...);
    visit(Column{"model_name", R::kKey}, rows.model_name...);
    visit(Column{"model_version", R::kKey}, rows.model_version...);
    visit(Column{"bin", R::kKey}, rows.bin...);
    visit(Column{"count", R::kCounter}, rows.count...);
    visit(Column{"sum_x", R::kCounter}, rows.sum_x...);
    visit(Column{"sum_x2", R::kCounter}, rows.sum_x2...);
  }
};

}  // namespace faceloop::insights
