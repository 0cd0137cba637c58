// A user's own sessions: listed without their tokens, revoked by id.
#include "http/routes/sessions.hpp"

#include <nlohmann/json.hpp>

#include "common/is_optional.hpp"
#include "http/credentials.hpp"
#include "http/guard.hpp"
#include "http/problem.hpp"
#include "http/session_cookie.hpp"

namespace faceloop::http {
namespace {

/// A session's JSON: its field list, plus whether it is the one this request came with.
nlohmann::json SessionJson(const accounts::SessionInfo& session, bool current) {
  nlohmann::json json = nlohmann::json::object();
  ForEachField(session, [&json](const accounts::SessionField& field, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    const std::string name(field.name);
    if constexpr (IsOptional<T>::value) {
      json[name] = value ? nlohmann::json(*value) : nlohmann::json(nullptr);
    } else {
      json[name] = value;
    }
  });
  json["current"] = current;
  return json;
}

void ListSessions(const SessionRoutes& s, const Request& req, Response& res) {
  const accounts::Principal principal = s.auth.Authenticate(ParseCredentials(req));
  nlohmann::json sessions = nlohmann::json::array();
  for (const accounts::SessionInfo& session : s.accounts.ListSessions(principal.user_id)) {
    sessions.push_back(SessionJson(session, session.id == principal.session_id));
  }
  res.headers.Set("Cache-Control", "no-store");
  WriteJson(res, 200, {{"sessions", sessions}});
}

/// 404 for ids that are not the caller's, as for keys: other users' session ids cannot be probed.
void RevokeSession(const SessionRoutes& s, const Request& req, Response& res) {
  const accounts::Principal principal = s.auth.Authenticate(ParseCredentials(req));
  const std::string& session_id = req.path_params.at(0);
  s.accounts.RevokeSessionById(principal.user_id, session_id);
  if (session_id == principal.session_id) res.headers.Set("Set-Cookie", ExpiredSessionCookie(req));
  res.status = 204;
}

}  // namespace

void RegisterSessionRoutes(Router& router, HttpMetrics& metrics, const SessionRoutes& routes) {
  router.Add("GET", "/v1/sessions", Guard(metrics, "GET /v1/sessions", [routes](const Request& req, Response& res) {
               ListSessions(routes, req, res);
             }));
  router.Add("DELETE", "/v1/sessions/{id}",
             Guard(metrics, "DELETE /v1/sessions/{id}",
                   [routes](const Request& req, Response& res) { RevokeSession(routes, req, res); }));
}

}  // namespace faceloop::http
