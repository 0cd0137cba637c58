#pragma once
// The Set-Cookie values of the web application's session: HttpOnly (scripts never see the token),
// SameSite=Strict (no cross-site request carries it), Path=/, and Secure when the client reached us
// over https (Request::secure).
#include <chrono>
#include <string>
#include <string_view>

#include "http/server/message.hpp"

namespace faceloop::http {

/// Sets the session cookie to `token` for `max_age`.
std::string SessionCookie(const Request& request, std::string_view token, std::chrono::seconds max_age);
/// Tells the browser to drop the session cookie (logout, or a session that no longer works).
std::string ExpiredSessionCookie(const Request& request);

}  // namespace faceloop::http
