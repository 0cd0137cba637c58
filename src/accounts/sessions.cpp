// AccountService: a user's own view of its sessions (GET/DELETE /v1/sessions) and their last use.
#include "accounts/account_service.hpp"
#include "common/error.hpp"
#include "db/timestamp.hpp"
#include "db/typed_row.hpp"

namespace faceloop::accounts {
namespace {

struct SessionRowCodec : db::RowCodec {
  using RowCodec::FromValue;
  using RowCodec::ToValue;
  static void NullInRequired(std::string_view column) {
    // Sessions from before migration 6 have no key_id; they no longer authenticate and are not listed.
    throw Error(ErrorCode::kInternal, "sessions." + std::string(column) + " is NULL");
  }
};

}  // namespace

std::vector<SessionInfo> AccountService::ListSessions(const std::string& user_id) {
  // Columns qualified with s. since the join on api_keys has some of the same names.
  std::string columns;
  const SessionInfo shape;
  ForEachField(shape, [&columns](const SessionField& field, const auto&) {
    columns += (columns.empty() ? "s." : ", s.") + std::string(field.column);
  });
  std::vector<SessionInfo> sessions;
  for (const db::Row& row : db_.Query("SELECT " + columns +
                                          " FROM sessions s JOIN api_keys k ON k.id = s.key_id "
                                          "WHERE s.user_id = ? AND s.revoked_at IS NULL AND k.revoked_at IS NULL "
                                          "AND s.expires_at > ? ORDER BY s.created_at DESC, s.id",
                                      {user_id, Now()})) {
    sessions.push_back(db::FromRow<SessionRowCodec, SessionInfo>(row));
  }
  return sessions;
}

void AccountService::RevokeSessionById(const std::string& user_id, const std::string& session_id) {
  if (db_.Execute("UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                  {Now(), session_id, user_id}) > 0) {
    return;
  }
  if (!db_.QueryOne("SELECT 1 FROM sessions WHERE id = ? AND user_id = ?", {session_id, user_id})) {
    throw Error(ErrorCode::kNotFound, "session not found");
  }
}

void AccountService::TouchSession(const std::string& session_id, const std::optional<std::string>& last_used_at) {
  const auto now = clock_();
  // Timestamps are fixed-width, so string order is time order.
  if (last_used_at && *last_used_at > db::FormatTimestamp(now - kLastUsedResolution)) return;
  db_.Execute("UPDATE sessions SET last_used_at = ? WHERE id = ?", {db::FormatTimestamp(now), session_id});
}

}  // namespace faceloop::accounts
