#pragma once
// Last-known-good authentications, so that a database outage does not turn into an API outage:
// while the database answers, every request is checked against it (a key revoked by any process
// is refused on its next request); only when it is unreachable (kUnavailable) is a credential
// accepted that authenticated successfully within `max_stale`. Entries are keyed by a keyed hash
// of the credential, never the credential itself.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "accounts/account_service.hpp"
#include "accounts/auth_throttle.hpp"
#include "accounts/credentials.hpp"
#include "common/error.hpp"

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

  /// Failed attempts are throttled through `throttle` (none by default); it must outlive this.
  void SetThrottle(IAuthThrottle* throttle) { throttle_ = throttle; }
  /// Runs `verify` (which checks `credentials`' secret) behind the throttle: refused before it runs
  /// when throttled, counted when it throws kUnauthenticated. Authenticate uses it; so does log-in.
  template <typename Verify>
  auto Throttled(const Credentials& credentials, Verify&& verify) -> decltype(verify()) {
    if (throttle_ != nullptr) throttle_->BeforeVerify(credentials);
    try {
      return verify();
    } catch (const Error& error) {
      if (throttle_ != nullptr && error.code() == ErrorCode::kUnauthenticated) throttle_->Failed(credentials);
      throw;
    }
  }

 private:
  struct Entry {
    Principal principal;
    std::chrono::steady_clock::time_point verified_at;
  };
  std::string Key(const std::string& secret) const;
  /// The cached principal when `code` is an outage and the entry is fresh; drops the entry when
  /// the credential was refused.
  std::optional<Principal> Fallback(const std::string& key, ErrorCode code);

  AccountService& accounts_;
  const Crypto& crypto_;
  const std::chrono::seconds max_stale_;
  const std::size_t capacity_;
  IAuthThrottle* throttle_ = nullptr;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;  ///< keyed by the credential's hash bytes
};

/// The database check alone, without the cache (sign-in, log-out).
Principal AuthenticateCredentials(AccountService& accounts, const Credentials& credentials);

/// Whether the principal may read everyone's records (analysts and admins).
bool CanReadAll(const Principal& principal);

}  // namespace faceloop::accounts
