#pragma once
// GET /healthz, /readyz, /metrics, /openapi.json.
#include <functional>

#include <nlohmann/json.hpp>

#include "accounts/auth_cache.hpp"
#include "http/http_metrics.hpp"
#include "http/server/router.hpp"
#include "telemetry/metrics.hpp"

namespace faceloop::http {

struct Readiness {
  std::string status;      ///< "ready", "degraded" (a backend is down; requests still accepted) or "unavailable"
  nlohmann::json details;  ///< per backend, with their errors: for admins only
};

struct OpsRoutes {
  telemetry::MetricsRegistry& metrics;
  std::function<Readiness()> readiness;
  accounts::AuthCache& auth;  ///< /readyz shows details to admins
};

void RegisterOpsRoutes(Router& router, HttpMetrics& metrics, OpsRoutes routes);

}  // namespace faceloop::http
