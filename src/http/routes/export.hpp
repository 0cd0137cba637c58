#pragma once
// GET /v1/me/export: the caller's own data as JSON (account, key metadata without hashes, request
// records, the feedback they gave, their events), in pages so a long history is read in bounded
// memory on both sides. Nothing of another user is ever included: every query is by the
// authenticated user's id, whatever the role.
#include <functional>

#include "accounts/account_service.hpp"
#include "accounts/auth_cache.hpp"
#include "db/database.hpp"
#include "feedback/store.hpp"
#include "http/http_metrics.hpp"
#include "http/server/router.hpp"
#include "requests/store.hpp"

namespace faceloop::http {

struct ExportRoutes {
  accounts::AuthCache& auth;
  accounts::AccountService& accounts;
  requests::RequestStore& requests;
  feedback::FeedbackStore& feedback;
  db::IDatabase& events;  ///< the events table (events/user_events.hpp)
  /// Waits (bounded) until the database holds what this process spooled.
  std::function<void()> read_your_writes;
  /// Ids of the dataset exports that hold the user's images (datasets::ExportStore).
  std::function<std::vector<std::string>(const std::string& user_id)> dataset_exports;
};

void RegisterExportRoutes(Router& router, HttpMetrics& metrics, const ExportRoutes& routes);

}  // namespace faceloop::http
