#pragma once
// The admins' view of the users (GET/PATCH/DELETE /v1/admin/users): a paged, filtered listing and
// role changes that never leave the service without an admin. Never hashes or secrets. Request
// counts are not here: `requests` belongs to src/requests (user_activity.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/types.hpp"
#include "db/database.hpp"

namespace faceloop::accounts {

/// A listed user. Its field list gives the SELECT list and the JSON names (admin_users route).
struct UserSummary {
  std::string id;
  std::string email;
  std::string name;  ///< "" when none was given
  Role role = Role::kUser;
  std::string created_at;
  std::int64_t key_count = 0;  ///< API keys not revoked
};

/// One listed field: its JSON name and the SQL expression it is read from (`u` is the user row).
struct UserField {
  std::string_view name;
  std::string_view column;
};

template <typename Summary, typename Visit>
void ForEachField(Summary& s, Visit&& visit) {
  visit(UserField{"id", "u.id"}, s.id);
  visit(UserField{"email", "u.email"}, s.email);
  visit(UserField{"name", "COALESCE(u.name, '')"}, s.name);
  visit(UserField{"role", "u.role"}, s.role);
  visit(UserField{"created_at", "u.created_at"}, s.created_at);
  visit(UserField{"key_count", "(SELECT COUNT(*) FROM api_keys k WHERE k.user_id = u.id AND k.revoked_at IS NULL)"},
        s.key_count);
}

/// Filters of a listing; unset = no filter. Ordered by e-mail, paged by it.
struct UserListQuery {
  std::optional<std::string> email_prefix;  ///< normalized (lowercase) prefix of the address
  std::optional<Role> role;
  std::optional<std::string> after_email;  ///< the cursor: addresses strictly after it
  int limit = 20;
};

/// The outcome of a role change, for its event.
struct RoleChange {
  User user;  ///< as it is now
  Role previous = Role::kUser;
};

/// Holds only the database: cheap to copy into a route's dependencies.
class UserDirectory {
 public:
  explicit UserDirectory(db::IDatabase& database) : database_(database) {}

  std::vector<UserSummary> List(const UserListQuery& query) const;
  /// Sets `user_id`'s role. kNotFound for unknown users; kConflict when it would demote the last
  /// admin (checked and written in one transaction, the admin rows locked on PostgreSQL, so two
  /// admins demoting each other at once cannot both succeed).
  RoleChange ChangeRole(const std::string& user_id, Role role) const;
  /// Readies `user_id` for deletion by `actor_id` (the deletion itself is the caller's):
  /// kConflict for themself (the account page does that) and for the last admin; kNotFound for
  /// unknown users. An admin is demoted first, under ChangeRole's lock, so two admins deleting each
  /// other at once cannot leave the service without one. Returns the user as it was.
  User PrepareDeletion(const std::string& actor_id, const std::string& user_id) const;

 private:
  db::IDatabase& database_;
};

}  // namespace faceloop::accounts
