#pragma once
// The `exports` and `export_items` tables (migration 15): nothing else runs SQL on them. Items say
// which requests, and whose, each export holds, so account deletion can name the exports that
// contained a user's images.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "datasets/export_record.hpp"
#include "db/database.hpp"

namespace faceloop::datasets {

struct ExportItemRow {
  std::string request_id;
  std::string user_id;
};

class ExportStore {
 public:
  explicit ExportStore(db::IDatabase& database) : database_(database) {}

  void Create(const ExportRecord& record);
  /// Records the items of a batch on `tx` (the exporter's transaction per batch).
  static void AddItems(db::IDatabase& tx, const std::string& export_id, const std::vector<ExportItemRow>& items);
  /// Sets the final status, counts, location and error, and finished_at = now.
  void Finish(const std::string& id, std::string_view status, const nlohmann::json& counts, const std::string& location,
              const std::optional<std::string>& error);
  std::optional<ExportRecord> Find(const std::string& id);
  /// Newest first; `before_id`: the page after that id.
  std::vector<ExportRecord> List(int limit, const std::optional<std::string>& before_id);
  /// Ids of the exports holding a request of `user_id`, newest first.
  std::vector<std::string> ExportsContaining(const std::string& user_id);
  /// Marks exports still `running` as failed: their process ended mid-way (called at start-up).
  std::int64_t FailInterrupted();

  /// The API's JSON form of a record.
  static nlohmann::json ToJson(const ExportRecord& record);

 private:
  db::IDatabase& database_;
};

}  // namespace faceloop::datasets
