#include "accounts/user_directory.hpp"

#include "common/error.hpp"
#include "db/typed_row.hpp"

namespace faceloop::accounts {
namespace {

/// The summary's own column encodings: the role is its name; a NULL is a bug in the query.
struct UserRowCodec : db::RowCodec {
  using RowCodec::FromValue;
  static void FromValue(const db::Row& row, std::size_t at, std::string_view, Role& out) {
    out = ParseRole(row.Get<std::string>(at));
  }
  static void NullInRequired(std::string_view column) {
    throw Error(ErrorCode::kInternal, "users: NULL in " + std::string(column));
  }
};

const std::string& SelectSql() {
  static const std::string sql = "SELECT " + db::ColumnList(UserSummary{}) + " FROM users u";
  return sql;
}

/// A LIKE pattern matching addresses that start with `prefix`: its wildcards escaped with '!'.
std::string PrefixPattern(std::string_view prefix) {
  std::string pattern;
  for (const char c : prefix) {
    if (c == '%' || c == '_' || c == '!') pattern += '!';
    pattern += c;
  }
  return pattern + '%';
}

User LoadUser(db::IDatabase& db, const std::string& user_id) {
  const auto row = db.QueryOne(
      "SELECT id, email, COALESCE(name, ''), role, created_at FROM users WHERE id = ? AND deleted_at IS NULL",
      {user_id});
  if (!row) throw Error(ErrorCode::kNotFound, "user not found");
  return User{row->Get<std::string>(0), row->Get<std::string>(1), row->Get<std::string>(2),
              ParseRole(row->Get<std::string>(3)), row->Get<std::string>(4)};
}

/// How many admins there are, with their rows locked until the transaction ends on PostgreSQL
/// (SQLite's write transactions are serial already).
std::int64_t LockAdmins(db::IDatabase& tx) {
  const std::string admin(RoleName(Role::kAdmin));
  if (tx.dialect() == db::Dialect::kPostgres) {
    return static_cast<std::int64_t>(
        tx.Query("SELECT id FROM users WHERE role = ? AND deleted_at IS NULL FOR UPDATE", {admin}).size());
  }
  return tx.QueryOne("SELECT COUNT(*) FROM users WHERE role = ? AND deleted_at IS NULL", {admin})->Get<std::int64_t>(0);
}

}  // namespace

std::vector<UserSummary> UserDirectory::List(const UserListQuery& query) const {
  std::string where = " WHERE u.deleted_at IS NULL";
  db::Params params;
  if (query.email_prefix) {
    where += " AND u.email LIKE ? ESCAPE '!'";
    params.emplace_back(PrefixPattern(*query.email_prefix));
  }
  if (query.role) {
    where += " AND u.role = ?";
    params.emplace_back(std::string(RoleName(*query.role)));
  }
  if (query.after_email) {
    where += " AND u.email > ?";
    params.emplace_back(*query.after_email);
  }
  params.emplace_back(static_cast<std::int64_t>(query.limit));
  std::vector<UserSummary> users;
  for (const db::Row& row : database_.Query(SelectSql() + where + " ORDER BY u.email LIMIT ?", params)) {
    users.push_back(db::FromRow<UserRowCodec, UserSummary>(row));
  }
  return users;
}

RoleChange UserDirectory::ChangeRole(const std::string& user_id, Role role) const {
  RoleChange change;
  database_.Transaction([&](db::IDatabase& tx) {
    const std::int64_t admins = LockAdmins(tx);
    change.user = LoadUser(tx, user_id);
    change.previous = change.user.role;
    if (change.previous == Role::kAdmin && role != Role::kAdmin && admins <= 1) {
      throw Error(ErrorCode::kConflict, "role: this is the last admin; make another user admin first");
    }
    tx.Execute("UPDATE users SET role = ? WHERE id = ?", {std::string(RoleName(role)), user_id});
    change.user.role = role;
  });
  return change;
}

User UserDirectory::PrepareDeletion(const std::string& actor_id, const std::string& user_id) const {
  if (actor_id == user_id) {
    throw Error(ErrorCode::kConflict, "an admin deletes their own account on the account page (DELETE /v1/me)");
  }
  User user = LoadUser(database_, user_id);
  if (user.role == Role::kAdmin) user.role = ChangeRole(user_id, Role::kUser).previous;
  return user;
}

}  // namespace faceloop::accounts
