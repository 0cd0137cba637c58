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

using accounts::Credentials;

/// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "" when absent.
std::string CookieValue(std::string_view cookie_header, std::string_view name);

/// Picks the credentials from the three header values (empty = header absent). A malformed
/// Authorization header (not "Bearer <token>") throws Error(kUnauthenticated).
Credentials ParseCredentials(std::string_view authorization, std::string_view x_api_key, std::string_view cookie);
Credentials ParseCredentials(const Request& request);

}  // namespace faceloop::http
