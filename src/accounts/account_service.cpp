#include "accounts/account_service.hpp"

#include <utility>

#include "accounts/email.hpp"
#include "common/error.hpp"
#include "db/timestamp.hpp"

namespace faceloop::accounts {
namespace {

constexpr const char* kSelectUser =
    "SELECT id, email, name, role, created_at FROM users WHERE id = ? AND deleted_at IS NULL";

User UserFromRow(const db::Row& row) {
  return User{row.Get<std::string>(0), row.Get<std::string>(1), row.Get<std::optional<std::string>>(2).value_or(""),
              ParseRole(row.Get<std::string>(3)), row.Get<std::string>(4)};
}

User LoadUser(db::IDatabase& db, const std::string& user_id) {
  const auto row = db.QueryOne(kSelectUser, {user_id});
  if (!row) throw Error(ErrorCode::kNotFound, "user not found");
  return UserFromRow(*row);
}

/// NULL for an empty name, so "no name" has one representation.
db::Value OptionalName(std::string_view name) {
  if (name.size() > kMaxNameLength) {
    throw Error(ErrorCode::kUnprocessable, "name longer than " + std::to_string(kMaxNameLength) + " characters");
  }
  return name.empty() ? db::Value{nullptr} : db::Value{std::string(name)};
}

Error InvalidKey() { return {ErrorCode::kUnauthenticated, "invalid API key"}; }
Error InvalidSession() { return {ErrorCode::kUnauthenticated, "invalid or expired session"}; }

}  // namespace

AccountService::AccountService(db::IDatabase& db, const Crypto& crypto, Clock clock)
    : db_(db), crypto_(crypto), clock_(std::move(clock)) {}

std::string AccountService::Now() const { return db::FormatTimestamp(clock_()); }

SignUpResult AccountService::SignUp(std::string_view email, std::string_view name, Role role) {
  SignUpResult result;
  db_.Transaction([&](db::IDatabase& tx) {
    result.user = InsertUser(tx, email, name, role);
    result.key = InsertKey(tx, result.user.id, "default");
  });
  return result;
}

User AccountService::CreateUser(std::string_view email, Role role, std::string_view name) {
  return InsertUser(db_, email, name, role);
}

User AccountService::InsertUser(db::IDatabase& db, std::string_view email, std::string_view name, Role role) {
  User user{crypto_.NewId(), NormalizeEmail(email), std::string(name), role, Now()};
  try {
    db.Execute("INSERT INTO users (id, email, name, role, created_at) VALUES (?, ?, ?, ?, ?)",
               {user.id, user.email, OptionalName(name), std::string(RoleName(role)), user.created_at});
  } catch (const Error& error) {
    if (error.code() != ErrorCode::kConflict) throw;
    throw Error(ErrorCode::kConflict, "email address already registered");
  }
  return user;
}

User AccountService::GetUser(const std::string& user_id) { return LoadUser(db_, user_id); }

User AccountService::DeleteUser(const std::string& user_id) {
  User user;
  db_.Transaction([&](db::IDatabase& tx) {
    user = LoadUser(tx, user_id);
    // Explicit deletes rather than relying on ON DELETE CASCADE alone: a backend or connection
    // without foreign-key enforcement must not leave live keys behind.
    tx.Execute("DELETE FROM sessions WHERE user_id = ?", {user_id});
    tx.Execute("DELETE FROM api_keys WHERE user_id = ?", {user_id});
    tx.Execute("DELETE FROM users WHERE id = ?", {user_id});
    // The tombstone the retention purge reads (src/retention): in the same transaction, so a
    // deleted account always leaves one.
    tx.Execute("INSERT INTO deleted_users (user_id, deleted_at) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING",
               {user_id, Now()});
  });
  return user;
}

NewKey AccountService::CreateKey(const std::string& user_id, std::string_view name) {
  NewKey key;
  db_.Transaction([&](db::IDatabase& tx) {
    LoadUser(tx, user_id);
    key = InsertKey(tx, user_id, name);
  });
  return key;
}

NewKey AccountService::InsertKey(db::IDatabase& db, const std::string& user_id, std::string_view name) {
  const std::string id = crypto_.NewId();
  const std::string secret = crypto_.NewSecret();
  NewKey key{id, std::string(kApiKeyPrefix) + id, FormatApiKey(id, secret), Now()};
  db.Execute("INSERT INTO api_keys (id, user_id, name, prefix, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
             {id, user_id, OptionalName(name), key.prefix, crypto_.Hash(secret), key.created_at});
  return key;
}

std::vector<KeyInfo> AccountService::ListKeys(const std::string& user_id) {
  LoadUser(db_, user_id);
  std::vector<KeyInfo> keys;
  for (const auto& row : db_.Query("SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys "
                                   "WHERE user_id = ? ORDER BY created_at, id",
                                   {user_id})) {
    keys.push_back(KeyInfo{row.Get<std::string>(0), row.Get<std::optional<std::string>>(1).value_or(""),
                           row.Get<std::string>(2), row.Get<std::string>(3), row.Get<std::optional<std::string>>(4),
                           row.Get<std::optional<std::string>>(5)});
  }
  return keys;
}

void AccountService::RevokeKey(const std::string& user_id, const std::string& key_id) {
  if (db_.Execute("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                  {Now(), key_id, user_id}) > 0) {
    return;
  }
  if (!db_.QueryOne("SELECT 1 FROM api_keys WHERE id = ? AND user_id = ?", {key_id, user_id})) {
    throw Error(ErrorCode::kNotFound, "API key not found");
  }
}

Principal AccountService::AuthenticateKey(std::string_view raw_key) {
  const ParsedApiKey key = ParseApiKey(raw_key);
  const auto row = db_.QueryOne(
      "SELECT k.secret_hash, k.last_used_at, u.id, u.role FROM api_keys k JOIN users u ON u.id = k.user_id "
      "WHERE k.id = ? AND k.revoked_at IS NULL AND u.deleted_at IS NULL",
      {key.id});
  if (!row || !crypto_.Verify(key.secret, row->Get<db::Blob>(0))) throw InvalidKey();
  TouchKey(key.id, row->Get<std::optional<std::string>>(1));
  return Principal{row->Get<std::string>(2), key.id, "", ParseRole(row->Get<std::string>(3))};
}

void AccountService::TouchKey(const std::string& key_id, const std::optional<std::string>& last_used_at) {
  const auto now = clock_();
  // Timestamps are fixed-width, so string order is time order.
  if (last_used_at && *last_used_at > db::FormatTimestamp(now - kLastUsedResolution)) return;
  db_.Execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", {db::FormatTimestamp(now), key_id});
}

NewSession AccountService::CreateSession(std::string_view raw_key, std::chrono::seconds ttl) {
  if (ttl <= std::chrono::seconds::zero() || ttl > kMaxSessionTtl) {
    throw Error(ErrorCode::kUnprocessable, "session lifetime out of range");
  }
  const Principal principal = AuthenticateKey(raw_key);
  const auto now = clock_();
  NewSession session{crypto_.NewSecret(), db::FormatTimestamp(now + ttl), GetUser(principal.user_id)};
  db_.Execute(
      "INSERT INTO sessions (id, user_id, key_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
      {crypto_.NewId(), principal.user_id, principal.key_id, crypto_.Hash(session.token), db::FormatTimestamp(now),
       session.expires_at});
  return session;
}

Principal AccountService::AuthenticateSession(std::string_view token) {
  if (!IsWellFormedSecret(token)) throw InvalidSession();
  // Looked up by hash: the token has 256 random bits, so an index lookup leaks nothing useful. The
  // join on the key ends the session when the key it was opened with is revoked.
  const auto row = db_.QueryOne(
      "SELECT s.id, s.user_id, s.expires_at, u.role, s.last_used_at FROM sessions s JOIN users u ON u.id = s.user_id "
      "JOIN api_keys k ON k.id = s.key_id "
      "WHERE s.token_hash = ? AND s.revoked_at IS NULL AND k.revoked_at IS NULL AND u.deleted_at IS NULL",
      {crypto_.Hash(token)});
  if (!row || row->Get<std::string>(2) <= Now()) throw InvalidSession();
  TouchSession(row->Get<std::string>(0), row->Get<std::optional<std::string>>(4));
  return Principal{row->Get<std::string>(1), "", row->Get<std::string>(0), ParseRole(row->Get<std::string>(3))};
}

void AccountService::RevokeSession(std::string_view token) {
  if (!IsWellFormedSecret(token)) throw InvalidSession();
  db_.Execute("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
              {Now(), crypto_.Hash(token)});
}

}  // namespace faceloop::accounts
