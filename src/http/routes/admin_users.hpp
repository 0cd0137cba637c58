#pragma once
// GET /v1/admin/users (paged, filtered by e-mail prefix and role), PATCH /v1/admin/users/{id}
// (the role) and DELETE /v1/admin/users/{id} (the account and its data, as DELETE /v1/me): admins
// only (403 for others, 401 anonymous). Each change is a user event naming the acting admin.
#include <cstddef>
#include <functional>
#include <string>

#include "accounts/auth_cache.hpp"
#include "accounts/user_directory.hpp"
#include "db/database.hpp"
#include "events/event_log.hpp"
#include "http/http_metrics.hpp"
#include "http/server/router.hpp"

namespace faceloop::http {

struct AdminUserRoutes {
  accounts::AuthCache& auth;
  accounts::UserDirectory users;
  db::IDatabase& database;  ///< for the users' request counts (requests/user_activity.hpp)
  events::EventLog& events;
  /// Deletes the account and everything it owns (Service::DeleteAccount); returns the images deleted.
  std::function<std::size_t(const std::string& user_id)> delete_account;
  /// Waits (briefly) for this process's records to reach the database, so the counts include them.
  std::function<void()> read_your_writes;
};

void RegisterAdminUserRoutes(Router& router, HttpMetrics& metrics, const AdminUserRoutes& routes);

}  // namespace faceloop::http
