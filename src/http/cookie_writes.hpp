#pragma once
// What a state-changing request authenticated by the session cookie must also show, beyond its CSRF
// token (accounts/csrf.hpp): the cookie is attached by the browser whoever's page made the request,
// so the request must look like one our own web application makes.
//   - Origin (or, without it, Referer) names this service's origin when present: 403 `cross-origin`.
//   - A body comes as JSON (Content-Type: application/json), or as an image, octet stream or
//     multipart form for the upload routes: 415 otherwise. The JSON routes take only application/json from a cookie
//     (JsonBody).
// Requests with an API key or a bearer token are not browser-driven and are not held to this.
#include <string>
#include <string_view>

#include "http/server/message.hpp"

namespace faceloop::http {

/// Throws TypedError(kForbidden, cross-origin) or Error(kUnsupportedMediaType) as above. For cookie-authenticated
/// requests with an unsafe method only (ParseCredentials calls it).
void CheckCookieWrite(const Request& request);

/// Whether the request authenticates with the session cookie: no Authorization, no X-API-Key, a
/// session cookie. Never throws.
bool AuthenticatesWithCookie(const Request& request);

/// The media type of a Content-Type value, lowercased, without parameters ("" when absent).
std::string MediaType(std::string_view content_type);

/// This service's origin as the request reached it: "http(s)://<Host>".
std::string OwnOrigin(const Request& request);

}  // namespace faceloop::http
