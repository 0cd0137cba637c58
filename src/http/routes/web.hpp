#pragma once
// The web application at `/`: every GET or HEAD that no API route takes (Router::SetFallback),
// answered from the StaticSite loaded at start-up.
#include <memory>

#include "http/http_metrics.hpp"
#include "http/server/router.hpp"
#include "http/static_site.hpp"

namespace faceloop::http {

void RegisterWebRoutes(Router& router, HttpMetrics& metrics, std::shared_ptr<const StaticSite> site);

}  // namespace faceloop::http
