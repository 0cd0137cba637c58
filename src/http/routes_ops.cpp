// Operations: liveness, readiness, Prometheus metrics and the OpenAPI document.
#include <string_view>

#include "common/error.hpp"
#include "http/problem.hpp"
#include "http/routes.hpp"

namespace faceloop::http {

extern const std::string_view kOpenApiJson;  // generated from openapi.json at build time

namespace {

struct ReadyState {
  nlohmann::json body;
  bool spool_full = false;
};

/// "ready" when every backend works; "degraded" while one does not (requests are still accepted
/// and spooled, its records wait); 503 "unavailable" once the spool is full and detect answers 503.
ReadyState CheckReady(Services& s) {
  ReadyState state;
  nlohmann::json backends = nlohmann::json::object();
  bool degraded = false;
  try {
    s.db->QueryOne("SELECT 1");
    backends["database"] = {{"status", "ok"}};
  } catch (const Error& e) {
    degraded = true;
    backends["database"] = {{"status", "down"}, {"error", e.what()}};
  }
  for (const auto& shipper : s.shippers) {
    const events::ShipperStats stats = shipper->Stats();
    nlohmann::json entry = {{"status", stats.healthy ? "ok" : "down"},
                            {"backlog_records", stats.spool.backlog_records},
                            {"oldest_age_s", stats.spool.oldest_unacked_age_s}};
    if (!stats.healthy) entry["error"] = stats.last_error;
    degraded = degraded || !stats.healthy;
    backends["ship:" + shipper->consumer()] = entry;
  }
  const auto spool = s.spool->Stats(s.database_shipper->consumer());
  const auto limit = static_cast<std::uint64_t>(s.config.limits.spool_max_mb) << 20;
  // Full a little before the hard limit: a record is a few KB.
  state.spool_full = spool.total_bytes + (64u << 10) >= limit;
  state.body = {{"status", state.spool_full ? "unavailable"
                           : degraded       ? "degraded"
                                            : "ready"},
                {"backends", backends},
                {"spool", {{"bytes", spool.total_bytes}, {"limit_bytes", limit}}}};
  return state;
}

}  // namespace

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
  for (const auto& shipper : s.shippers) {
    const std::string label = "{backend=\"" + shipper->consumer() + "\"}";
    events::Shipper* ship = shipper.get();
    m.AddGauge("faceloop_ship_backlog_records" + label, "Spooled records not yet shipped to the backend.",
               [ship] { return static_cast<double>(ship->Stats().spool.backlog_records); });
    m.AddGauge("faceloop_ship_backlog_bytes" + label, "Bytes of spooled records not yet shipped to the backend.",
               [ship] { return static_cast<double>(ship->Stats().spool.backlog_bytes); });
    m.AddGauge("faceloop_ship_oldest_age_seconds" + label, "Age of the oldest record not yet shipped.",
               [ship] { return ship->Stats().spool.oldest_unacked_age_s; });
    m.AddGauge("faceloop_ship_records_total" + label, "Records shipped to the backend (a counter's value).",
               [ship] { return static_cast<double>(ship->Stats().shipped_records); });
    m.AddGauge("faceloop_ship_rejected_total" + label, "Records the backend refused for good (a counter's value).",
               [ship] { return static_cast<double>(ship->Stats().rejected_records); });
    m.AddGauge("faceloop_ship_failures_total" + label, "Failed shipping attempts, retried (a counter's value).",
               [ship] { return static_cast<double>(ship->Stats().failed_attempts); });
    m.AddGauge("faceloop_ship_healthy" + label, "1 while the last shipping attempt succeeded.",
               [ship] { return ship->Stats().healthy ? 1.0 : 0.0; });
  }
  m.AddGauge("faceloop_events_dropped", "User events given up because the spool was full (a counter's value).",
             [&s] { return static_cast<double>(s.dropped_events.load()); });
  m.AddGauge("faceloop_spool_bytes", "Bytes in the spool's segment files (bounded by limits.spool_max_mb).",
             [&s] { return static_cast<double>(s.spool->Stats(s.database_shipper->consumer()).total_bytes); });

  server.Get("/readyz", Guarded(m, "GET /readyz", [&s](const httplib::Request&, httplib::Response& res) {
               const ReadyState state = CheckReady(s);
               WriteJson(res, state.spool_full ? 503 : 200, state.body);
             }));
  server.Get("/metrics", Guarded(m, "GET /metrics", [&m](const httplib::Request&, httplib::Response& res) {
               res.set_content(m.Render(), "text/plain; version=0.0.4");
             }));
  server.Get("/openapi.json", Guarded(m, "GET /openapi.json", [](const httplib::Request&, httplib::Response& res) {
               res.set_content(std::string(kOpenApiJson), "application/json");
             }));
}

}  // namespace faceloop::http
