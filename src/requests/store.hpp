#pragma once
// The `requests` table. Nothing else in the product runs SQL on it: the database shipper inserts
// through Insert, the history routes read through Find and List, account deletion purges through
// ImageKeysOf and PurgeUser, the insights count users through CountUsers (and rank, score and
// group through aggregates.hpp). Columns come from the record's field list (record.hpp).
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "requests/record.hpp"

namespace faceloop::requests {

/// Filters of a history listing; unset = no filter. Ordered newest first, paged by id.
struct ListQuery {
  std::optional<std::string> user_id;
  std::optional<std::string> before_id;   ///< the cursor: ids strictly below it
  std::optional<Time> from;               ///< received_at >= from
  std::optional<Time> to;                 ///< received_at < to
  std::optional<double> min_confidence;   ///< confidence_max >= this
  std::optional<double> max_confidence;   ///< confidence_max <= this
  std::optional<std::int64_t> min_faces;  ///< face_count >= this (failed requests count 0 faces)
  std::optional<std::int64_t> max_faces;  ///< face_count <= this
  int limit = 20;
};

/// Users active in one time bucket (CountUsers).
struct UserActivity {
  std::string bucket;  ///< the bucket's key
  std::int64_t unique = 0;
  std::int64_t returning = 0;  ///< more than one request, on more than one UTC day, in the bucket
};

class RequestStore {
 public:
  explicit RequestStore(db::IDatabase& database) : database_(database) {}

  /// Inserts `record` unless a record with its id exists (re-delivery is harmless). Runs on `tx`, the
  /// caller's transaction. Returns whether the record was new.
  static bool Insert(db::IDatabase& tx, const RequestRecord& record);
  /// Writes the sample key (sample.hpp) of every record stored without one (before migration 7),
  /// on `tx`; returns how many.
  static std::int64_t FillSampleKeys(db::IDatabase& tx);

  std::optional<RequestRecord> Find(const std::string& request_id);
  std::vector<RequestRecord> List(const ListQuery& query);
  /// Keys of the stored images of `user_id`'s requests.
  std::vector<std::string> ImageKeysOf(const std::string& user_id);
  /// Deletes every record of `user_id`; returns how many.
  std::int64_t PurgeUser(const std::string& user_id);
  /// Users with records received in [from, to), per bucket: `bucket_sql` is the SQL expression of
  /// a record's bucket key over its column received_at. Counted in the database.
  std::vector<UserActivity> CountUsers(Time from, Time to, const std::string& bucket_sql);

 private:
  db::IDatabase& database_;
};

}  // namespace faceloop::requests
