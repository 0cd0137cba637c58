#pragma once
// What a caller presented: an API key ("fl_..."), a session token, or nothing. Where it came from
// (a header, a cookie) is the transport's business (src/http/credentials.hpp).
#include <string>

namespace faceloop::accounts {

struct Credentials {
  enum class Kind { kNone, kApiKey, kSession } kind = Kind::kNone;
  std::string secret;
  /// The session token came from the cookie, which browsers attach on their own.
  bool from_cookie = false;
  /// A cookie session on a state-changing request: it must carry the session's CSRF token
  /// (accounts/csrf.hpp), given here from the X-CSRF-Token header.
  bool csrf_required = false;
  std::string csrf_token;
  /// The client's address (Request::client_addr), for throttling failed attempts per client.
  std::string client;
};

}  // namespace faceloop::accounts
