#pragma once
// GET /v1/reports (paged list, newest first, ?period narrows) and GET /v1/reports/{id} (the whole
// report, docs/reports.md): analysts and admins only; plain users get 403.
#include "accounts/auth_cache.hpp"
#include "http/http_metrics.hpp"
#include "http/server/router.hpp"
#include "reports/store.hpp"

namespace faceloop::http {

struct ReportRoutes {
  accounts::AuthCache& auth;
  reports::ReportStore& store;
};

void RegisterReportRoutes(Router& router, HttpMetrics& metrics, const ReportRoutes& routes);

}  // namespace faceloop::http
