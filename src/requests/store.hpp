#pragma once
// The `requests` table. Nothing else in the product runs SQL on it: the database shipper inserts
// through Insert, the history routes read through Find and List, account deletion purges through
// ImageKeysOf and PurgeUser. Columns come from the record's field list (record.hpp).
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "requests/record.hpp"

namespace faceloop::requests {

/// Filters of a history listing; unset = no filter. Ordered newest first, paged by id.
struct ListQuery {
  std::optional<std::string> user_id;
  std::optional<std::string> before_id;  ///< the cursor: ids strictly below it
  std::optional<Time> from;              ///< received_at >= from
  std::optional<Time> to;                ///< received_at < to
  std::optional<double> min_confidence;  ///< confidence_max >= this
  std::optional<double> max_confidence;  ///< confidence_max <= this
  int limit = 20;
};

class RequestStore {
 public:
  explicit RequestStore(db::IDatabase& database) : database_(database) {}

  /// Inserts `record` unless a record with its id exists (re-delivery is harmless). Runs on `tx`, the
  /// caller's transaction.
  static void Insert(db::IDatabase& tx, const RequestRecord& record);

  std::optional<RequestRecord> Find(const std::string& request_id);
  std::vector<RequestRecord> List(const ListQuery& query);
  /// Keys of the stored images of `user_id`'s requests.
  std::vector<std::string> ImageKeysOf(const std::string& user_id);
  /// Deletes every record of `user_id`; returns how many.
  std::int64_t PurgeUser(const std::string& user_id);

 private:
  db::IDatabase& database_;
};

}  // namespace faceloop::requests
