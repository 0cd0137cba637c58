#include "accounts/auth_cache.hpp"

#include "accounts/csrf.hpp"
#include "common/error.hpp"

namespace faceloop::accounts {

Principal AuthenticateCredentials(AccountService& accounts, const Credentials& credentials) {
  switch (credentials.kind) {
    case Credentials::Kind::kApiKey: return accounts.AuthenticateKey(credentials.secret);
    case Credentials::Kind::kSession: return accounts.AuthenticateSession(credentials.secret);
    case Credentials::Kind::kNone: break;
  }
  throw Error(ErrorCode::kUnauthenticated,
              "credentials required: Authorization: Bearer <key>, X-API-Key or session cookie");
}

std::string AuthCache::Key(const std::string& secret) const {
  const auto hash = crypto_.Hash(secret);
  return {hash.begin(), hash.end()};
}

std::optional<Principal> AuthCache::Fallback(const std::string& key, ErrorCode code) {
  const std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (code == ErrorCode::kUnavailable && it != entries_.end() &&
      std::chrono::steady_clock::now() - it->second.verified_at <= max_stale_) {
    return it->second.principal;
  }
  if (code == ErrorCode::kUnauthenticated && it != entries_.end()) entries_.erase(it);
  return std::nullopt;
}

Principal AuthCache::Authenticate(const Credentials& credentials) {
  if (credentials.kind == Credentials::Kind::kNone) return AuthenticateCredentials(accounts_, credentials);
  // Before any hash of the secret: a throttled client costs nothing and learns nothing.
  if (throttle_ != nullptr) throttle_->BeforeVerify(credentials);
  // Then, without the database: a forged cross-site request is refused even during an outage.
  CheckCsrf(crypto_, credentials);
  const std::string key = Key(credentials.secret);
  try {
    Principal principal = AuthenticateCredentials(accounts_, credentials);
    const std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_) entries_.clear();  // crude but bounded; refilled from the database
    entries_[key] = Entry{principal, std::chrono::steady_clock::now()};
    return principal;
  } catch (const Error& error) {
    if (std::optional<Principal> stale = Fallback(key, error.code())) return *stale;
    // Outside the lock: the throttle may ask Redis.
    if (error.code() == ErrorCode::kUnauthenticated && throttle_ != nullptr) throttle_->Failed(credentials);
    throw;
  }
}

bool CanReadAll(const Principal& principal) {
  return principal.role == Role::kAnalyst || principal.role == Role::kAdmin;
}

}  // namespace faceloop::accounts
