#pragma once
// /v1/alerts/...: alert rules (CRUD) and their transitions, for analysts and admins (users get
// 403); webhooks are set by admins only. The rules, their checks and their evaluation are
// src/alerts' (docs/alerts.md); this file only parses and answers.
#include <functional>
#include <string>

#include "accounts/auth_cache.hpp"
#include "alerts/url_policy.hpp"
#include "db/database.hpp"
#include "http/http_metrics.hpp"
#include "http/server/router.hpp"

namespace faceloop::http {

struct AlertRoutes {
  accounts::AuthCache& auth;
  db::IDatabase& database;
  const alerts::UrlPolicy& webhook_policy;  ///< [alerts] webhook_allow
  std::function<std::string()> new_id;      ///< a new time-ordered id
};

void RegisterAlertRoutes(Router& router, HttpMetrics& metrics, const AlertRoutes& routes);

}  // namespace faceloop::http
