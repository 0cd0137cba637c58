#pragma once
// The security header fields every answer carries (OWASP API8, docs/security.md): the API's JSON,
// its problem+json errors, the engine's own 404/405/413/503 and the web application's files.
// A field the handler already set wins: the web application sends its own, wider CSP.
#include "http/server/message.hpp"

namespace faceloop::http {

/// Sets X-Content-Type-Options, X-Frame-Options, Referrer-Policy, a deny-all Content-Security-Policy
/// and Cache-Control: no-store on `headers` where the handler set none of that name.
void AddMissingSecurityHeaders(Headers& headers);

}  // namespace faceloop::http
