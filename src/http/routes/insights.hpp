#pragma once
// GET /v1/insights/...: analytics over every user's traffic, for analysts and admins (users get
// 403). The summary, drift and feedback are src/insights' (docs/insights.md); this file only
// parses and answers.
#include <functional>

#include "accounts/auth_cache.hpp"
#include "db/database.hpp"
#include "http/http_metrics.hpp"
#include "http/server/router.hpp"
#include "insights/thresholds.hpp"

namespace faceloop::http {

struct InsightsRoutes {
  accounts::AuthCache& auth;
  db::IDatabase& database;
  int max_window_days;  ///< limits.insights_max_days
  /// Waits (bounded) until the database holds every record this process spooled, as the history
  /// routes do: the rollups are written by the database shipper.
  std::function<void()> read_your_writes;
  insights::DriftThresholds drift_thresholds;  ///< [insights] of the configuration
};

void RegisterInsightsRoutes(Router& router, HttpMetrics& metrics, const InsightsRoutes& routes);

}  // namespace faceloop::http
