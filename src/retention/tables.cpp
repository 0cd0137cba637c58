#include "retention/tables.hpp"

#include "common/time.hpp"

namespace faceloop::retention {
namespace {

std::int64_t Count(db::IDatabase& database, const char* sql, Time time) {
  return database.QueryOne(sql, {FormatTimestamp(time)})->Get<std::int64_t>(0);
}

}  // namespace

std::int64_t CountEventsBefore(db::IDatabase& database, Time cutoff) {
  return Count(database, "SELECT count(*) FROM events WHERE occurred_at < ?", cutoff);
}

std::int64_t DeleteEventsBefore(db::IDatabase& database, Time cutoff, int limit) {
  return database.Execute("DELETE FROM events WHERE id IN (SELECT id FROM events WHERE occurred_at < ? LIMIT ?)",
                          {FormatTimestamp(cutoff), std::int64_t{limit}});
}

std::vector<std::string> TombstonesSince(db::IDatabase& database, Time since) {
  std::vector<std::string> ids;
  for (const db::Row& row :
       database.Query("SELECT user_id FROM deleted_users WHERE deleted_at >= ? ORDER BY deleted_at, user_id",
                      {FormatTimestamp(since)})) {
    ids.push_back(row.Get<std::string>(0));
  }
  return ids;
}

std::int64_t CountTombstonesBefore(db::IDatabase& database, Time before) {
  return Count(database, "SELECT count(*) FROM deleted_users WHERE deleted_at < ?", before);
}

std::int64_t ForgetTombstonesBefore(db::IDatabase& database, Time before) {
  return database.Execute("DELETE FROM deleted_users WHERE deleted_at < ?", {FormatTimestamp(before)});
}

}  // namespace faceloop::retention
