#pragma once
// Users, API keys, sessions and the authenticated principal, as the accounts service hands them out.
// None of these carries a secret hash; only NewKey and NewSession carry a secret, once, at creation.
#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace faceloop::accounts {

/// What a user may do: `user` detects, `analyst` also reads everyone's analytics, `admin` also
/// manages users. Stored as the lowercase names below.
enum class Role { kUser, kAnalyst, kAdmin };

/// "user", "analyst" or "admin".
std::string_view RoleName(Role role);
/// Inverse of RoleName; throws kUnprocessable for anything else.
Role ParseRole(std::string_view name);

struct User {
  std::string id;
  /// Normalized: trimmed and lowercased.
  std::string email;
  /// Display name; empty when none was given.
  std::string name;
  Role role = Role::kUser;
  std::string created_at;
};

/// A key at creation: the only time its secret is available.
struct NewKey {
  std::string id;
  /// The non-secret start of the key ("fl_<id>"), for recognizing it in lists.
  std::string prefix;
  /// The complete API key "fl_<id>_<secret>" to hand to the user. Never stored or logged.
  std::string secret;
  std::string created_at;
};

/// A key as listed later: no secret, no hash.
struct KeyInfo {
  std::string id;
  std::string name;
  std::string prefix;
  std::string created_at;
  std::optional<std::string> last_used_at;
  std::optional<std::string> revoked_at;
};

struct SignUpResult {
  User user;
  NewKey key;
};

/// A session at creation: the only time its token is available.
struct NewSession {
  /// Bearer token (43 base64url characters). Never stored or logged.
  std::string token;
  std::string expires_at;
  User user;
};

/// A session as its owner lists it: no token, no hash. The id is the row id, not a secret.
struct SessionInfo {
  std::string id;
  std::string key_id;  ///< the API key it was made with; the session ends with it
  std::string created_at;
  std::optional<std::string> last_used_at;  ///< to kLastUsedResolution
  std::string expires_at;
};

/// A SessionInfo field: its JSON name and its column of `sessions` (db/typed_row.hpp reads `column`).
struct SessionField {
  std::string_view name;
  std::string_view column;
};

/// The one list of SessionInfo's fields: the route's JSON and the service's SELECT derive from it.
template <typename Record, typename Visit>
requires std::same_as<std::remove_const_t<Record>, SessionInfo>
void ForEachField(Record& session, Visit&& visit) {
  visit(SessionField{"id", "id"}, session.id);
  visit(SessionField{"key_id", "key_id"}, session.key_id);
  visit(SessionField{"created_at", "created_at"}, session.created_at);
  visit(SessionField{"last_used_at", "last_used_at"}, session.last_used_at);
  visit(SessionField{"expires_at", "expires_at"}, session.expires_at);
}

/// Who a request acts for.
struct Principal {
  std::string user_id;
  /// The API key used; empty for session authentication.
  std::string key_id;
  /// The session used; empty for API key authentication.
  std::string session_id;
  Role role = Role::kUser;
};

}  // namespace faceloop::accounts
