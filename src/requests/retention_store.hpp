#pragma once
// What the retention purge (src/retention) does to the `requests` table: find records and images
// past their period, forget an image, delete records. Kept here because RequestStore's area is the
// only code that runs SQL on `requests`. Every call handles at most `limit` rows, so a large
// backlog is purged in bounded memory and short transactions.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "requests/record.hpp"

namespace faceloop::requests {

/// A record past a cut-off: its id and the key of its stored image, if it still has one.
struct ExpiredRecord {
  std::string id;
  std::optional<std::string> image_key;
};

class RequestRetention {
 public:
  explicit RequestRetention(db::IDatabase& database) : database_(database) {}

  /// Records received before `cutoff`.
  std::int64_t CountBefore(Time cutoff);
  /// Records received before `cutoff` that still name an image.
  std::int64_t CountImagesBefore(Time cutoff);
  /// Up to `limit` records received before `cutoff` (with an image only when `with_image`), oldest first.
  std::vector<ExpiredRecord> Before(Time cutoff, bool with_image, int limit);
  /// Whether the record `id` exists and still names an image.
  bool HasImage(const std::string& id);
  /// Clears image_key of these records: their image is gone, the rest of the record stays.
  void ForgetImages(const std::vector<ExpiredRecord>& records);
  /// Deletes these records in one transaction; returns how many were there.
  std::int64_t Delete(const std::vector<ExpiredRecord>& records);

 private:
  db::IDatabase& database_;
};

}  // namespace faceloop::requests
