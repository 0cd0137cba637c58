#pragma once
// GET /v1/sessions (the caller's sessions) and DELETE /v1/sessions/{id} (revoke one). Register after
// the account routes, whose /v1/sessions/current must match first.
#include "accounts/account_service.hpp"
#include "accounts/auth_cache.hpp"
#include "http/http_metrics.hpp"
#include "http/server/router.hpp"

namespace faceloop::http {

struct SessionRoutes {
  accounts::AccountService& accounts;
  accounts::AuthCache& auth;
};

void RegisterSessionRoutes(Router& router, HttpMetrics& metrics, const SessionRoutes& routes);

}  // namespace faceloop::http
