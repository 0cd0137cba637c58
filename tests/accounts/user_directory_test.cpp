// The admins' user directory on SQLite and a real PostgreSQL: the listing (e-mail prefix with its
// wildcards taken literally, role, cursor, active key counts), role changes that keep an admin,
// and who may be deleted by whom.
#include "accounts/user_directory.hpp"

#include <gtest/gtest.h>

#include "accounts/account_service.hpp"
#include "support/error_code.hpp"
#include "support/migrated_database.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::accounts {
namespace {

using faceloop::testing::CodeOf;

class UserDirectoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    accounts_ = std::make_unique<AccountService>(*db_, crypto_);
    directory_ = std::make_unique<UserDirectory>(*db_);
  }

  std::vector<std::string> Emails(const UserListQuery& query) const {
    std::vector<std::string> emails;
    for (const UserSummary& user : directory_->List(query)) emails.push_back(user.email);
    return emails;
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
  Crypto crypto_{std::vector<std::uint8_t>(kPepperBytes, 7)};
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<UserDirectory> directory_;
};

TEST_P(UserDirectoryTest, ListsByEmailWithFiltersAndCursor) {
  const SignUpResult ada = accounts_->SignUp("ada@example.com", "Ada");
  accounts_->CreateKey(ada.user.id, "second");
  accounts_->RevokeKey(ada.user.id, ada.key.id);
  accounts_->CreateUser("a_b@example.com", Role::kAnalyst);
  accounts_->CreateUser("axb@example.com", Role::kAdmin);
  accounts_->CreateUser("bob@example.com", Role::kUser);

  const std::vector<UserSummary> all = directory_->List({});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[1].email, "ada@example.com");
  EXPECT_EQ(all[1].name, "Ada");
  EXPECT_EQ(all[1].key_count, 1);  // the revoked key is not counted
  EXPECT_EQ(all[0].key_count, 0);

  UserListQuery literal;
  literal.email_prefix = "a_";  // '_' is not a wildcard
  EXPECT_EQ(Emails(literal), (std::vector<std::string>{"a_b@example.com"}));
  UserListQuery admins;
  admins.role = Role::kAdmin;
  EXPECT_EQ(Emails(admins), (std::vector<std::string>{"axb@example.com"}));

  UserListQuery page;
  page.limit = 2;
  EXPECT_EQ(Emails(page), (std::vector<std::string>{"a_b@example.com", "ada@example.com"}));
  page.after_email = "ada@example.com";
  EXPECT_EQ(Emails(page), (std::vector<std::string>{"axb@example.com", "bob@example.com"}));
}

TEST_P(UserDirectoryTest, RoleChangesNeverRemoveTheLastAdmin) {
  const User root = accounts_->CreateUser("root@example.com", Role::kAdmin);
  const User ada = accounts_->CreateUser("ada@example.com", Role::kUser);
  EXPECT_EQ(CodeOf([&] { directory_->ChangeRole(root.id, Role::kAnalyst); }), ErrorCode::kConflict);
  EXPECT_EQ(accounts_->GetUser(root.id).role, Role::kAdmin);  // nothing written

  const RoleChange promoted = directory_->ChangeRole(ada.id, Role::kAdmin);
  EXPECT_EQ(promoted.previous, Role::kUser);
  EXPECT_EQ(promoted.user.role, Role::kAdmin);
  const RoleChange demoted = directory_->ChangeRole(root.id, Role::kUser);  // ada is admin now
  EXPECT_EQ(demoted.previous, Role::kAdmin);
  EXPECT_EQ(accounts_->GetUser(root.id).role, Role::kUser);
  EXPECT_EQ(CodeOf([&] { directory_->ChangeRole("nobody", Role::kUser); }), ErrorCode::kNotFound);
}

TEST_P(UserDirectoryTest, AnAdminCannotDeleteThemselfHereNorTheLastAdmin) {
  const User root = accounts_->CreateUser("root@example.com", Role::kAdmin);
  const User other = accounts_->CreateUser("other@example.com", Role::kAdmin);
  const User ada = accounts_->CreateUser("ada@example.com", Role::kUser);
  EXPECT_EQ(CodeOf([&] { directory_->PrepareDeletion(root.id, root.id); }), ErrorCode::kConflict);
  EXPECT_EQ(directory_->PrepareDeletion(root.id, ada.id).role, Role::kUser);
  EXPECT_EQ(CodeOf([&] { directory_->PrepareDeletion(root.id, "nobody"); }), ErrorCode::kNotFound);

  // An admin to be deleted is demoted first: then the other admin, deleting them at the same
  // time, meets the last-admin rule instead of leaving no admin.
  EXPECT_EQ(directory_->PrepareDeletion(root.id, other.id).role, Role::kAdmin);
  EXPECT_EQ(accounts_->GetUser(other.id).role, Role::kUser);
  EXPECT_EQ(CodeOf([&] { directory_->PrepareDeletion(other.id, root.id); }), ErrorCode::kConflict);
  EXPECT_EQ(accounts_->GetUser(root.id).role, Role::kAdmin);
}

INSTANTIATE_TEST_SUITE_P(Backends, UserDirectoryTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace faceloop::accounts
