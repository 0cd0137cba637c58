#pragma once
// Who a request acts for. Credentials come from `Authorization: Bearer <api key or session token>`,
// `X-API-Key: <api key>` or the `faceloop_session` cookie, in that order. Strings starting with
// "fl_" are API keys; anything else is tried as a session token. Secrets are never logged.
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

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

/// Last-known-good authentications, so that a database outage does not turn into an API outage:
/// while the database answers, every request is checked against it (a key revoked by any process
/// is refused on its next request); only when it is unreachable (kUnavailable) is a credential
/// accepted that authenticated successfully within `max_stale`. Entries are keyed by a keyed hash
/// of the credential, never the credential itself.
class AuthCache {
 public:
  AuthCache(const accounts::Crypto& crypto, std::chrono::seconds max_stale, std::size_t capacity = 100'000)
      : crypto_(crypto), max_stale_(max_stale), capacity_(capacity) {}

  /// accounts.Authenticate*(...) with the fallback described above.
  accounts::Principal Authenticate(accounts::AccountService& accounts, const httplib::Request& req);

 private:
  struct Entry {
    accounts::Principal principal;
    std::chrono::steady_clock::time_point verified_at;
  };
  const accounts::Crypto& crypto_;
  const std::chrono::seconds max_stale_;
  const std::size_t capacity_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;  ///< keyed by the credential's hash bytes
  std::string Key(const std::string& secret) const;
};

/// Whether the principal may read everyone's records (analysts and admins).
bool CanReadAll(const accounts::Principal& principal);

}  // namespace faceloop::http
