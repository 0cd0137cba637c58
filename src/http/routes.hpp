#pragma once
// Route registration, one function per area. Handlers are thin: parse, call a library, render.
#include <string>

#include <httplib.h>

#include "http/app.hpp"

namespace faceloop::http {

/// POST /v1/users, POST /v1/sessions, DELETE /v1/sessions/current, GET/DELETE /v1/me,
/// GET/POST /v1/keys, DELETE /v1/keys/{id}.
void RegisterAccountRoutes(httplib::Server& server, Services& services);
/// POST /v1/detect.
void RegisterDetectRoutes(httplib::Server& server, Services& services);
/// GET /v1/requests, /v1/requests/{id}, /v1/requests/{id}/image.
void RegisterRequestRoutes(httplib::Server& server, Services& services);
/// GET /healthz, /readyz, /metrics, /openapi.json.
void RegisterOpsRoutes(httplib::Server& server, Services& services);

/// The client address for rate limits and request records.
inline std::string ClientIp(const httplib::Request& req) { return req.remote_addr; }

}  // namespace faceloop::http

namespace faceloop::http {
/// The request body as a JSON object ({} for an empty body); Error(kBadRequest) when it is not one.
nlohmann::json JsonBody(const httplib::Request& req);
/// The string member `key` of `body`, or "" when absent; Error(kUnprocessable) for another type.
std::string StringField(const nlohmann::json& body, const char* key);
}  // namespace faceloop::http
