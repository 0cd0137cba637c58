#pragma once
// Where credentials travel in HTTP: `Authorization: Bearer <api key or session token>`,
// `X-API-Key: <api key>` or the `faceloop_session` cookie, in that order. Strings starting with
// "fl_" are API keys; anything else is tried as a session token. Secrets are never logged.
#include <string>
#include <string_view>

#include "accounts/credentials.hpp"
#include "http/server/message.hpp"

namespace faceloop::http {

inline constexpr std::string_view kSessionCookie = "faceloop_session";
/// Carries the session's CSRF token on state-changing requests made with the cookie.
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

using accounts::Credentials;

/// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "" when absent.
std::string CookieValue(std::string_view cookie_header, std::string_view name);

/// Picks the credentials from the three header values (empty = header absent). A malformed
/// Authorization header (not "Bearer <token>") throws Error(kUnauthenticated).
Credentials ParseCredentials(std::string_view authorization, std::string_view x_api_key, std::string_view cookie);
/// As above, from the request; a cookie session on a method other than GET, HEAD and OPTIONS is
/// marked csrf_required, with the X-CSRF-Token header as its csrf_token.
Credentials ParseCredentials(const Request& request);
/// GET, HEAD and OPTIONS: the methods that change nothing.
bool IsSafeMethod(std::string_view method);

}  // namespace faceloop::http
