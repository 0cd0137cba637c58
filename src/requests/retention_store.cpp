#include "requests/retention_store.hpp"

#include "common/time.hpp"

namespace faceloop::requests {
namespace {

// received_at is stored in the fixed-width timestamp format, so text order is time order.
constexpr const char* kBefore = "received_at < ?";
constexpr const char* kHasImage = " AND image_key IS NOT NULL";

}  // namespace

std::int64_t RequestRetention::CountBefore(Time cutoff) {
  return database_.QueryOne(std::string("SELECT count(*) FROM requests WHERE ") + kBefore, {FormatTimestamp(cutoff)})
      ->Get<std::int64_t>(0);
}

std::int64_t RequestRetention::CountImagesBefore(Time cutoff) {
  return database_
      .QueryOne(std::string("SELECT count(*) FROM requests WHERE ") + kBefore + kHasImage, {FormatTimestamp(cutoff)})
      ->Get<std::int64_t>(0);
}

std::vector<ExpiredRecord> RequestRetention::Before(Time cutoff, bool with_image, int limit) {
  const std::string sql = std::string("SELECT id, image_key FROM requests WHERE ") + kBefore +
                          (with_image ? kHasImage : "") + " ORDER BY received_at, id LIMIT ?";
  std::vector<ExpiredRecord> records;
  for (const db::Row& row : database_.Query(sql, {FormatTimestamp(cutoff), std::int64_t{limit}})) {
    records.push_back({row.Get<std::string>(0), row.Get<std::optional<std::string>>(1)});
  }
  return records;
}

bool RequestRetention::HasImage(const std::string& id) {
  return database_.QueryOne("SELECT 1 FROM requests WHERE id = ? AND image_key IS NOT NULL", {id}).has_value();
}

void RequestRetention::ForgetImages(const std::vector<ExpiredRecord>& records) {
  database_.Transaction([&](db::IDatabase& tx) {
    for (const ExpiredRecord& record : records) {
      tx.Execute("UPDATE requests SET image_key = NULL, image_bytes = NULL WHERE id = ?", {record.id});
    }
  });
}

std::int64_t RequestRetention::Delete(const std::vector<ExpiredRecord>& records) {
  std::int64_t deleted = 0;
  database_.Transaction([&](db::IDatabase& tx) {
    deleted = 0;
    for (const ExpiredRecord& record : records) deleted += tx.Execute("DELETE FROM requests WHERE id = ?", {record.id});
  });
  return deleted;
}

}  // namespace faceloop::requests
