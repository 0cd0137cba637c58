#pragma once
// Last-known-good authentications, so that a database outage does not turn into an API outage:
// while the database answers, every request is checked against it (a key revoked by any process
// is refused on its next request); only when it is unreachable (kUnavailable) is a credential
// accepted that authenticated successfully within `max_stale`. Entries are keyed by a keyed hash
// of the credential, never the credential itself.
#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "accounts/account_service.hpp"
#include "accounts/credentials.hpp"

namespace faceloop::accounts {

class AuthCache {
 public:
  AuthCache(AccountService& accounts, const Crypto& crypto, std::chrono::seconds max_stale,
            std::size_t capacity = 100'000)
      : accounts_(accounts), crypto_(crypto), max_stale_(max_stale), capacity_(capacity) {}

  /// The principal for `credentials`, with the fallback described above. Throws
  /// Error(kUnauthenticated) for none or unknown ones, Error(kForbidden) for a cookie session on a
  /// state-changing request without its CSRF token (CheckCsrf).
  Principal Authenticate(const Credentials& credentials);

 private:
  struct Entry {
    Principal principal;
    std::chrono::steady_clock::time_point verified_at;
  };
  std::string Key(const std::string& secret) const;

  AccountService& accounts_;
  const Crypto& crypto_;
  const std::chrono::seconds max_stale_;
  const std::size_t capacity_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;  ///< keyed by the credential's hash bytes
};

/// The database check alone, without the cache (sign-in, log-out).
Principal AuthenticateCredentials(AccountService& accounts, const Credentials& credentials);

/// Whether the principal may read everyone's records (analysts and admins).
bool CanReadAll(const Principal& principal);

}  // namespace faceloop::accounts
