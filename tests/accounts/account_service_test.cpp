#include "accounts/account_service.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <iterator>

#include "common/error.hpp"
#include "db/migrations.hpp"
#include "db/sqlite_database.hpp"
#include "db/timestamp.hpp"
#include "support/error_code.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::accounts {
namespace {

using faceloop::testing::CodeOf;

using namespace std::chrono_literals;
using faceloop::testing::TempDir;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

class AccountServiceTest : public ::testing::Test {
 protected:
  AccountServiceTest() { db_.ApplyMigrations(db::FaceloopMigrations()); }

  std::string DbPath() const { return (dir_.path() / "faceloop.db").string(); }

  TempDir dir_;
  db::SqliteDatabase db_{db::SqliteOptions{DbPath()}};
  Crypto crypto_{std::vector<std::uint8_t>(kPepperBytes, 42)};
  std::chrono::system_clock::time_point now_{std::chrono::milliseconds{1'700'000'000'123}};
  AccountService service_{db_, crypto_, [this] { return now_; }};
};

TEST_F(AccountServiceTest, SignUpKeyAuthenticates) {
  const SignUpResult signed_up = service_.SignUp(" Alice@Example.com ", "Alice");
  EXPECT_EQ(signed_up.user.email, "alice@example.com");
  EXPECT_EQ(signed_up.user.name, "Alice");
  EXPECT_EQ(signed_up.user.role, Role::kUser);
  EXPECT_EQ(signed_up.user.created_at, "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(signed_up.key.prefix, "fl_" + signed_up.key.id);
  EXPECT_TRUE(signed_up.key.secret.starts_with(signed_up.key.prefix + "_"));

  const Principal principal = service_.AuthenticateKey(signed_up.key.secret);
  EXPECT_EQ(principal.user_id, signed_up.user.id);
  EXPECT_EQ(principal.key_id, signed_up.key.id);
  EXPECT_TRUE(principal.session_id.empty());
  EXPECT_EQ(principal.role, Role::kUser);
  EXPECT_EQ(service_.GetUser(signed_up.user.id).email, "alice@example.com");
}

TEST_F(AccountServiceTest, CreateUserForCli) {
  const User admin = service_.CreateUser("root@example.com", ParseRole("admin"));
  EXPECT_EQ(admin.role, Role::kAdmin);
  EXPECT_TRUE(admin.name.empty());
  const NewKey key = service_.CreateKey(admin.id, "cli");
  EXPECT_EQ(service_.AuthenticateKey(key.secret).role, Role::kAdmin);
  EXPECT_EQ(CodeOf([] { ParseRole("root"); }), ErrorCode::kUnprocessable);
  EXPECT_EQ(CodeOf([&] { service_.CreateKey("nobody", "x"); }), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf([&] { service_.CreateKey(admin.id, std::string(201, 'n')); }), ErrorCode::kUnprocessable);
}

TEST_F(AccountServiceTest, WrongSecretIsUnauthenticated) {
  const std::string key = service_.SignUp("a@example.com", "").key.secret;
  std::string wrong = key;
  wrong[40] = wrong[40] == 'A' ? 'B' : 'A';  // still well-formed, different secret
  EXPECT_EQ(CodeOf([&] { service_.AuthenticateKey(wrong); }), ErrorCode::kUnauthenticated);
  // A well-formed key whose id exists nowhere.
  const std::string unknown = FormatApiKey(crypto_.NewId(), crypto_.NewSecret());
  EXPECT_EQ(CodeOf([&] { service_.AuthenticateKey(unknown); }), ErrorCode::kUnauthenticated);
}

TEST_F(AccountServiceTest, MalformedKeysAreUnauthenticated) {
  service_.SignUp("a@example.com", "");
  for (const std::string& key : {std::string(), std::string("fl_"), std::string("fl_x_y_z"),
                                 std::string(1'000'000, 'k'), std::string("Bearer fl_")}) {
    EXPECT_EQ(CodeOf([&] { service_.AuthenticateKey(key); }), ErrorCode::kUnauthenticated);
    EXPECT_EQ(CodeOf([&] { service_.CreateSession(key, 1h); }), ErrorCode::kUnauthenticated);
  }
}

TEST_F(AccountServiceTest, RevokedKeyFailsOnTheNextCall) {
  const SignUpResult alice = service_.SignUp("alice@example.com", "");
  const NewKey second = service_.CreateKey(alice.user.id, "laptop");
  service_.AuthenticateKey(alice.key.secret);
  service_.RevokeKey(alice.user.id, alice.key.id);
  EXPECT_EQ(CodeOf([&] { service_.AuthenticateKey(alice.key.secret); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(service_.AuthenticateKey(second.secret).key_id, second.id);  // other keys unaffected
  service_.RevokeKey(alice.user.id, alice.key.id);                       // idempotent
}

TEST_F(AccountServiceTest, RevokeKeyOfSomeoneElseIsNotFound) {
  const SignUpResult alice = service_.SignUp("alice@example.com", "");
  const SignUpResult bob = service_.SignUp("bob@example.com", "");
  EXPECT_EQ(CodeOf([&] { service_.RevokeKey(bob.user.id, alice.key.id); }), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf([&] { service_.RevokeKey(alice.user.id, "nokey"); }), ErrorCode::kNotFound);
  service_.AuthenticateKey(alice.key.secret);
}

TEST_F(AccountServiceTest, DeletedUserLosesAllKeysAndSessions) {
  const SignUpResult alice = service_.SignUp("alice@example.com", "Alice");
  const SignUpResult bob = service_.SignUp("bob@example.com", "");
  const NewKey second = service_.CreateKey(alice.user.id, "second");
  const NewSession session = service_.CreateSession(second.secret, 1h);

  EXPECT_EQ(service_.DeleteUser(alice.user.id).email, "alice@example.com");
  for (const auto& key : {alice.key.secret, second.secret}) {
    EXPECT_EQ(CodeOf([&] { service_.AuthenticateKey(key); }), ErrorCode::kUnauthenticated);
  }
  EXPECT_EQ(CodeOf([&] { service_.AuthenticateSession(session.token); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { service_.GetUser(alice.user.id); }), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf([&] { service_.ListKeys(alice.user.id); }), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf([&] { service_.DeleteUser(alice.user.id); }), ErrorCode::kNotFound);
  EXPECT_EQ(db_.QueryOne("SELECT count(*) FROM api_keys WHERE user_id = ?", {alice.user.id})->Get<std::int64_t>(0), 0);
  EXPECT_EQ(db_.QueryOne("SELECT count(*) FROM sessions")->Get<std::int64_t>(0), 0);
  // The tombstone the retention purge reads (src/retention), written in the same transaction.
  const auto tombstone = db_.QueryOne("SELECT deleted_at FROM deleted_users WHERE user_id = ?", {alice.user.id});
  ASSERT_TRUE(tombstone.has_value());
  EXPECT_EQ(tombstone->Get<std::string>(0), db::FormatTimestamp(now_));
  service_.AuthenticateKey(bob.key.secret);             // others unaffected
  service_.SignUp("alice@example.com", "Alice again");  // the address is free again
}

TEST_F(AccountServiceTest, SessionsExpireByTheClock) {
  const SignUpResult alice = service_.SignUp("alice@example.com", "");
  const NewSession session = service_.CreateSession(alice.key.secret, 1h);
  EXPECT_EQ(session.user.id, alice.user.id);
  EXPECT_EQ(session.expires_at, "2023-11-14T23:13:20.123Z");
  EXPECT_TRUE(IsWellFormedSecret(session.token));

  now_ += 59min;
  const Principal principal = service_.AuthenticateSession(session.token);
  EXPECT_EQ(principal.user_id, alice.user.id);
  EXPECT_FALSE(principal.session_id.empty());
  EXPECT_TRUE(principal.key_id.empty());
  now_ += 1min;
  EXPECT_EQ(CodeOf([&] { service_.AuthenticateSession(session.token); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { service_.CreateSession(alice.key.secret, 0s); }), ErrorCode::kUnprocessable);
  EXPECT_EQ(CodeOf([&] { service_.CreateSession(alice.key.secret, 400 * 24h); }), ErrorCode::kUnprocessable);
}

TEST_F(AccountServiceTest, RevokedAndMalformedSessionsAreUnauthenticated) {
  const SignUpResult alice = service_.SignUp("alice@example.com", "");
  const NewSession session = service_.CreateSession(alice.key.secret, 1h);
  const NewSession other = service_.CreateSession(alice.key.secret, 1h);
  service_.RevokeSession(session.token);
  service_.RevokeSession(session.token);  // idempotent
  EXPECT_EQ(CodeOf([&] { service_.AuthenticateSession(session.token); }), ErrorCode::kUnauthenticated);
  service_.AuthenticateSession(other.token);
  for (const std::string& token : {std::string(), std::string(43, '*'), alice.key.secret, crypto_.NewSecret()}) {
    EXPECT_EQ(CodeOf([&] { service_.AuthenticateSession(token); }), ErrorCode::kUnauthenticated);
  }
  EXPECT_EQ(CodeOf([&] { service_.RevokeSession("nope"); }), ErrorCode::kUnauthenticated);
}

TEST_F(AccountServiceTest, ValidatesEmails) {
  for (const char* email : {"", "alice", "alice@localhost", "a b@example.com"}) {
    EXPECT_EQ(CodeOf([&] { service_.SignUp(email, ""); }), ErrorCode::kUnprocessable) << email;
  }
  EXPECT_EQ(CodeOf([&] { service_.SignUp(std::string(250, 'a') + "@x.io", ""); }), ErrorCode::kUnprocessable);
  EXPECT_EQ(CodeOf([&] { service_.SignUp("a@example.com", std::string(201, 'n')); }), ErrorCode::kUnprocessable);
}

TEST_F(AccountServiceTest, DuplicateEmailConflictsCaseInsensitively) {
  service_.SignUp("alice@example.com", "");
  EXPECT_EQ(CodeOf([&] { service_.SignUp("ALICE@Example.COM", ""); }), ErrorCode::kConflict);
  EXPECT_EQ(CodeOf([&] { service_.CreateUser(" alice@example.com", Role::kAdmin); }), ErrorCode::kConflict);
  // The failed sign-up left no orphan key behind.
  EXPECT_EQ(db_.QueryOne("SELECT count(*) FROM api_keys")->Get<std::int64_t>(0), 1);
}

TEST_F(AccountServiceTest, ListKeysNeverExposesSecrets) {
  const SignUpResult alice = service_.SignUp("alice@example.com", "");
  now_ += 1s;  // keys list oldest first
  const NewKey laptop = service_.CreateKey(alice.user.id, "laptop");
  service_.RevokeKey(alice.user.id, alice.key.id);
  const std::vector<KeyInfo> keys = service_.ListKeys(alice.user.id);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].name, "default");
  EXPECT_TRUE(keys[0].revoked_at.has_value());
  EXPECT_EQ(keys[1].name, "laptop");
  EXPECT_FALSE(keys[1].revoked_at.has_value());
  for (const NewKey* created : {&alice.key, &laptop}) {
    const std::string secret = ParseApiKey(created->secret).secret;
    for (const KeyInfo& key : keys) {
      for (const std::string& field : {key.id, key.name, key.prefix, key.created_at}) {
        EXPECT_EQ(field.find(secret), std::string::npos);
        EXPECT_EQ(field.find(created->secret), std::string::npos);
      }
    }
  }
  EXPECT_TRUE(service_.ListKeys(service_.SignUp("bob@example.com", "").user.id).size() == 1);
}

TEST_F(AccountServiceTest, DatabaseFilesNeverContainSecrets) {
  const SignUpResult alice = service_.SignUp("alice@example.com", "");
  const NewSession session = service_.CreateSession(alice.key.secret, 1h);
  const std::string secret = ParseApiKey(alice.key.secret).secret;
  std::vector<std::string> needles = {alice.key.secret, secret, session.token};
  for (const std::string& encoded : {secret, session.token}) {  // and the raw bytes they encode
    std::string bytes(32, '\0');
    size_t length = 0;
    ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), encoded.data(),
                                encoded.size(), nullptr, &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
              0);
    needles.push_back(bytes);
  }
  // Committed data may still be only in the WAL file, so both are searched.
  const std::string contents = ReadFile(DbPath()) + ReadFile(DbPath() + "-wal");
  ASSERT_NE(contents.find("alice@example.com"), std::string::npos);  // the search itself works
  for (const auto& needle : needles) EXPECT_EQ(contents.find(needle), std::string::npos);
}

TEST_F(AccountServiceTest, LastUsedIsThrottledToOncePerMinute) {
  const SignUpResult alice = service_.SignUp("alice@example.com", "");
  const auto last_used = [&] { return service_.ListKeys(alice.user.id).at(0).last_used_at; };
  EXPECT_EQ(last_used(), std::nullopt);
  service_.AuthenticateKey(alice.key.secret);
  EXPECT_EQ(last_used(), "2023-11-14T22:13:20.123Z");
  now_ += 59s;
  service_.AuthenticateKey(alice.key.secret);
  EXPECT_EQ(last_used(), "2023-11-14T22:13:20.123Z");
  now_ += 1s;
  service_.AuthenticateKey(alice.key.secret);
  EXPECT_EQ(last_used(), "2023-11-14T22:14:20.123Z");
}

}  // namespace
}  // namespace faceloop::accounts
