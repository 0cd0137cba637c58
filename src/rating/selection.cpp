#include "rating/selection.hpp"

#include "common/time.hpp"

namespace faceloop::rating {
namespace {

/// Requests a rating e-mail may list: the user's successful ones with their image still stored,
/// in the window and after the user's last rating e-mail. `?` marks: user id (as the SQL
/// expression `user_id_sql`), window start, window end.
std::string EligibleRequestsSql(const std::string& user_id_sql) {
  return "FROM requests r WHERE r.user_id = " + user_id_sql +
         " AND r.status = 200 AND r.image_key IS NOT NULL AND r.received_at >= ? AND r.received_at < ?"
         " AND r.received_at > COALESCE((SELECT MAX(e.sent_at) FROM rating_emails e WHERE e.user_id = r.user_id), '')";
}

std::vector<std::string> RecentRequests(db::IDatabase& db, const std::string& user_id, const Window& window,
                                        int predictions) {
  std::vector<std::string> ids;
  // Ids are time-ordered: newest first without a sort on received_at.
  for (const db::Row& row : db.Query("SELECT r.id " + EligibleRequestsSql("?") + " ORDER BY r.id DESC LIMIT ?",
                                     {user_id, FormatTimestamp(window.start), FormatTimestamp(window.end),
                                      static_cast<std::int64_t>(predictions)})) {
    ids.push_back(row.Get<std::string>(0));
  }
  return ids;
}

}  // namespace

std::vector<Recipient> SelectRecipients(db::IDatabase& db, const Window& window, int predictions,
                                        const accounts::PreferenceDefaults& defaults) {
  const std::string sql =
      "SELECT u.id, u.email FROM users u WHERE u.deleted_at IS NULL AND u.email <> '' AND " +
      accounts::PreferenceAllowsSql("rating_email", "u.id", defaults.rating_email) +
      " AND NOT EXISTS (SELECT 1 FROM rating_emails p WHERE p.user_id = u.id AND p.period_start = ?)"
      " AND EXISTS (SELECT 1 " +
      EligibleRequestsSql("u.id") + ") ORDER BY u.id";
  std::vector<Recipient> recipients;
  for (const db::Row& row : db.Query(
           sql, {FormatTimestamp(window.period_start), FormatTimestamp(window.start), FormatTimestamp(window.end)})) {
    Recipient recipient{row.Get<std::string>(0), row.Get<std::string>(1), {}};
    recipient.request_ids = RecentRequests(db, recipient.user_id, window, predictions);
    if (!recipient.request_ids.empty()) recipients.push_back(std::move(recipient));
  }
  return recipients;
}

bool ClaimPeriod(db::IDatabase& db, const std::string& user_id, Time period_start, Time now) {
  return db.Execute(
             "INSERT INTO rating_emails (user_id, period_start, sent_at) VALUES (?, ?, ?) "
             "ON CONFLICT (user_id, period_start) DO NOTHING",
             {user_id, FormatTimestamp(period_start), FormatTimestamp(now)}) == 1;
}

void ReleasePeriod(db::IDatabase& db, const std::string& user_id, Time period_start) {
  db.Execute("DELETE FROM rating_emails WHERE user_id = ? AND period_start = ?",
             {user_id, FormatTimestamp(period_start)});
}

}  // namespace faceloop::rating
