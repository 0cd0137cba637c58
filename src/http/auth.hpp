#pragma once
// Who a request acts for. Credentials come from `Authorization: Bearer <api key or session token>`,
// `X-API-Key: <api key>` or the `faceloop_session` cookie, in that order. Strings starting with
// "fl_" are API keys; anything else is tried as a session token. Secrets are never logged.
#include <string>
#include <string_view>

#include <httplib.h>

#include "accounts/account_service.hpp"

namespace faceloop::http {

inline constexpr std::string_view kSessionCookie = "faceloop_session";

struct Credentials {
  enum class Kind { kNone, kApiKey, kSession } kind = Kind::kNone;
  std::string secret;
};

/// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "" when absent.
std::string CookieValue(std::string_view cookie_header, std::string_view name);

/// Picks the credentials from the three header values (empty = header absent). A malformed
/// Authorization header (not "Bearer <token>") throws Error(kUnauthenticated).
Credentials ParseCredentials(std::string_view authorization, std::string_view x_api_key, std::string_view cookie);
Credentials ParseCredentials(const httplib::Request& req);

/// The principal for the request's credentials; throws Error(kUnauthenticated) without any.
accounts::Principal Authenticate(accounts::AccountService& accounts, const httplib::Request& req);

/// Whether the principal may read everyone's records (analysts and admins).
bool CanReadAll(const accounts::Principal& principal);

}  // namespace faceloop::http
