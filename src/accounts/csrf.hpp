#pragma once
// CSRF protection for cookie sessions. A browser attaches the session cookie to any request for our
// origin, whoever's page made it; a state-changing request that authenticates with the cookie must
// therefore also carry the session's CSRF token in a header, which only our own pages can read (the
// login answer and GET /v1/sessions/current give it; no CORS, so other origins cannot).
//
// The token is derived from the session token with the pepper: it needs no storage, cannot be
// computed from anything a client sees besides the session token itself, and ends with the session.
#include <string>
#include <string_view>

#include "accounts/credentials.hpp"
#include "accounts/secrets.hpp"

namespace faceloop::accounts {

/// The CSRF token of the session `session_token` (43 base64url characters).
std::string CsrfToken(const Crypto& crypto, std::string_view session_token);

/// Throws Error(kForbidden) when `credentials` need a CSRF token (csrf_required) and do not carry
/// the session's; compares in constant time. Does nothing for other credentials.
void CheckCsrf(const Crypto& crypto, const Credentials& credentials);

}  // namespace faceloop::accounts
