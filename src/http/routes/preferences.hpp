#pragma once
// GET and PATCH /v1/me/preferences: the caller's effective preferences (accounts/preferences.hpp),
// and changing any of them. A cookie session's PATCH needs its CSRF token like every cookie write
// (AuthCache refuses it otherwise).
#include <functional>

#include "accounts/auth_cache.hpp"
#include "accounts/preferences.hpp"
#include "db/database.hpp"
#include "http/http_metrics.hpp"
#include "http/server/router.hpp"

namespace faceloop::http {

struct PreferenceRoutes {
  accounts::AuthCache& auth;
  db::IDatabase& db;
  accounts::PreferenceDefaults defaults;  ///< [rating] / [datasets] configuration
};

void RegisterPreferenceRoutes(Router& router, HttpMetrics& metrics, const PreferenceRoutes& routes);

}  // namespace faceloop::http
