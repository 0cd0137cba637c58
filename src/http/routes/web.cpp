#include "http/routes/web.hpp"

#include <utility>

#include "http/guard.hpp"

namespace faceloop::http {

void RegisterWebRoutes(Router& router, HttpMetrics& metrics, std::shared_ptr<const StaticSite> site) {
  // One metrics label for all pages and assets: their paths are unbounded.
  router.SetFallback(Guard(metrics, "GET /*",
                           [site = std::move(site)](const Request& req, Response& res) { res = site->Serve(req); }));
}

}  // namespace faceloop::http
