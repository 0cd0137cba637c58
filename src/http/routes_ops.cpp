// Operations: liveness, readiness, Prometheus metrics and the OpenAPI document.
#include <string_view>

#include "http/problem.hpp"
#include "http/routes.hpp"

namespace faceloop::http {

extern const std::string_view kOpenApiJson;  // generated from openapi.json at build time

void RegisterOpsRoutes(httplib::Server& server, Services& s) {
  Metrics& m = s.metrics;
  m.AddGauge("faceloop_detect_queue_depth", "Detection jobs waiting for a worker.",
             [&s] { return static_cast<double>(s.pool->QueueDepth()); });
  m.AddGauge("faceloop_group_commit_batches", "Batches committed by the group committer (a counter's value).",
             [&s] { return static_cast<double>(s.committer->Stats().batches); });
  m.AddGauge("faceloop_group_commit_queue_depth", "Writes waiting for the next group commit.",
             [&s] { return static_cast<double>(s.committer->Stats().queue_depth); });

  server.Get("/healthz", Guarded(m, "GET /healthz", [](const httplib::Request&, httplib::Response& res) {
               WriteJson(res, 200, {{"status", "ok"}});
             }));
  // Ready once the database answers; the detectors load lazily on the first request per worker.
  server.Get("/readyz", Guarded(m, "GET /readyz", [&s](const httplib::Request&, httplib::Response& res) {
               s.db->QueryOne("SELECT 1");
               WriteJson(res, 200, {{"status", "ready"}});
             }));
  server.Get("/metrics", Guarded(m, "GET /metrics", [&m](const httplib::Request&, httplib::Response& res) {
               res.set_content(m.Render(), "text/plain; version=0.0.4");
             }));
  server.Get("/openapi.json", Guarded(m, "GET /openapi.json", [](const httplib::Request&, httplib::Response& res) {
               res.set_content(std::string(kOpenApiJson), "application/json");
             }));
}

}  // namespace faceloop::http
