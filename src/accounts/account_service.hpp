#pragma once
// Users, API keys and sessions over IDatabase. Secrets (API key secrets, session tokens) exist in
// clear only in the NewKey / NewSession returned at creation and in the arguments of the
// Authenticate calls; the database holds their peppered hashes (see secrets.hpp), and nothing here
// logs. Every authentication failure is the same kUnauthenticated, so callers cannot tell an unknown
// key from a revoked one or a wrong secret.
//
// Thread-safe as far as the IDatabase and Crypto given are (SqliteDatabase and Crypto are).
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/secrets.hpp"
#include "accounts/types.hpp"
#include "db/database.hpp"

namespace faceloop::accounts {

/// Names (of users and keys) longer than this are rejected with kUnprocessable.
inline constexpr std::size_t kMaxNameLength = 200;
/// AuthenticateKey records last_used_at at most this often per key, so that authenticating is not a
/// database write on every request.
inline constexpr std::chrono::seconds kLastUsedResolution{60};
/// Upper bound for session lifetimes.
inline constexpr std::chrono::hours kMaxSessionTtl{24 * 366};

class AccountService {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  /// `db` must have FaceloopMigrations() applied. `clock` is injectable for tests.
  AccountService(db::IDatabase& db, const Crypto& crypto, Clock clock = std::chrono::system_clock::now);

  /// Creates a user and a first API key named "default" in one transaction. The email is normalized
  /// (NormalizeEmail: kUnprocessable when invalid); kConflict when it is already registered.
  SignUpResult SignUp(std::string_view email, std::string_view name, Role role = Role::kUser);
  /// Creates a user without a key (CLI: `faceloop users create --email E --role admin`).
  User CreateUser(std::string_view email, Role role, std::string_view name = {});
  /// kNotFound for unknown or deleted users.
  User GetUser(const std::string& user_id);
  /// Hard-deletes the user with all keys and sessions in one transaction (they stop authenticating at
  /// once) and returns the deleted user, so the caller can purge its requests, events and stored
  /// images, which this service does not own. kNotFound for unknown users.
  User DeleteUser(const std::string& user_id);

  /// A new API key for the user (kNotFound for unknown users).
  NewKey CreateKey(const std::string& user_id, std::string_view name);
  /// The user's keys, revoked ones included, oldest first; never secrets or hashes.
  std::vector<KeyInfo> ListKeys(const std::string& user_id);
  /// Revokes one of the user's keys; idempotent. kNotFound when the key does not exist or belongs to
  /// someone else (not kForbidden, so key ids of other users cannot be probed).
  void RevokeKey(const std::string& user_id, const std::string& key_id);
  /// The principal for a raw "fl_<id>_<secret>" key; kUnauthenticated for malformed, unknown or
  /// revoked keys, wrong secrets and deleted users. Updates last_used_at (see kLastUsedResolution).
  Principal AuthenticateKey(std::string_view raw_key);

  /// Exchanges a valid API key for a session token that expires after `ttl` (0 < ttl ≤
  /// kMaxSessionTtl, else kUnprocessable).
  NewSession CreateSession(std::string_view raw_key, std::chrono::seconds ttl);
  /// kUnauthenticated for malformed, unknown, revoked or expired tokens, tokens whose API key was
  /// revoked, and deleted users.
  Principal AuthenticateSession(std::string_view token);
  /// Ends a session (logout); idempotent for well-formed tokens, kUnauthenticated for malformed ones.
  void RevokeSession(std::string_view token);
  /// The user's sessions that still work (not revoked or expired, their key not revoked), newest
  /// first; never tokens or hashes (sessions.cpp).
  std::vector<SessionInfo> ListSessions(const std::string& user_id);
  /// Ends one of the user's sessions by its id; idempotent. kNotFound when it does not exist or
  /// belongs to someone else (not kForbidden: other users' session ids cannot be probed).
  void RevokeSessionById(const std::string& user_id, const std::string& session_id);

 private:
  std::string Now() const;
  User InsertUser(db::IDatabase& db, std::string_view email, std::string_view name, Role role);
  NewKey InsertKey(db::IDatabase& db, const std::string& user_id, std::string_view name);
  void TouchKey(const std::string& key_id, const std::optional<std::string>& last_used_at);
  void TouchSession(const std::string& session_id, const std::optional<std::string>& last_used_at);

  db::IDatabase& db_;
  const Crypto& crypto_;
  Clock clock_;
};

}  // namespace faceloop::accounts
