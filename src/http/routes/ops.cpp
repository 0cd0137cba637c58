#include "http/routes/ops.hpp"

#include <string_view>

#include "common/error.hpp"
#include "http/credentials.hpp"
#include "http/guard.hpp"
#include "http/problem.hpp"

namespace faceloop::http {

extern const std::string_view kOpenApiJson;  // generated from openapi.json at build time

namespace {

/// Whether the request carries an admin's credentials; anything else (none, wrong, the database
/// down) just means "no details".
bool IsAdmin(accounts::AuthCache& auth, const Request& req) {
  try {
    const Credentials credentials = ParseCredentials(req);
    return credentials.kind != Credentials::Kind::kNone &&
           auth.Authenticate(credentials).role == accounts::Role::kAdmin;
  } catch (const Error&) {
    return false;
  }
}

void Ready(const OpsRoutes& s, const Request& req, Response& res) {
  const Readiness state = s.readiness();
  nlohmann::json body = {{"status", state.status}};
  // Backend errors name hosts, buckets and servers' own messages: operators' business only.
  if (IsAdmin(s.auth, req)) body.update(state.details);
  WriteJson(res, state.status == "unavailable" ? 503 : 200, body);
}

}  // namespace

void RegisterOpsRoutes(Router& router, HttpMetrics& metrics, OpsRoutes routes) {
  router.Add("GET", "/healthz", Guard(metrics, "GET /healthz", [](const Request&, Response& res) {
               WriteJson(res, 200, {{"status", "ok"}});
             }));
  router.Add("GET", "/readyz",
             Guard(metrics, "GET /readyz", [routes](const Request& req, Response& res) { Ready(routes, req, res); }));
  router.Add("GET", "/metrics",
             Guard(metrics, "GET /metrics", [&registry = routes.metrics](const Request&, Response& res) {
               res.SetContent(registry.Render(), "text/plain; version=0.0.4");
             }));
  router.Add("GET", "/openapi.json", Guard(metrics, "GET /openapi.json", [](const Request&, Response& res) {
               res.SetContent(std::string(kOpenApiJson), "application/json");
             }));
}

}  // namespace faceloop::http
