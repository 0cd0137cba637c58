// Cookie sessions on SQLite and a real PostgreSQL: a session is opened with an API key, stores only
// the token's hash, ends on logout, on expiry and when its key is revoked; its CSRF token is what
// CheckCsrf wants, and AuthCache refuses a cookie request without it before asking the database.
#include <gtest/gtest.h>

#include "accounts/account_service.hpp"
#include "accounts/auth_cache.hpp"
#include "accounts/csrf.hpp"
#include "support/error_code.hpp"
#include "support/migrated_database.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::accounts {
namespace {

using faceloop::testing::CodeOf;
using namespace std::chrono_literals;

class SessionsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    accounts_ = std::make_unique<AccountService>(*db_, crypto_, [this] { return now_; });
  }

  static Credentials Cookie(const std::string& token, bool state_changing, const std::string& csrf) {
    return Credentials{Credentials::Kind::kSession, token, true, state_changing, csrf};
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
  Crypto crypto_{std::vector<std::uint8_t>(kPepperBytes, 7)};
  std::chrono::system_clock::time_point now_{std::chrono::milliseconds{1'800'000'000'000}};
  std::unique_ptr<AccountService> accounts_;
};

TEST_P(SessionsTest, StoresOnlyTheTokenHashAndTheKey) {
  const SignUpResult ada = accounts_->SignUp("ada@example.com", "Ada");
  const NewSession session = accounts_->CreateSession(ada.key.secret, 1h);
  const auto row = db_->QueryOne("SELECT key_id, token_hash FROM sessions WHERE user_id = ?", {ada.user.id});
  ASSERT_TRUE(row);
  EXPECT_EQ(row->Get<std::string>(0), ada.key.id);
  EXPECT_EQ(row->Get<db::Blob>(1), crypto_.Hash(session.token));
  const Principal principal = accounts_->AuthenticateSession(session.token);
  EXPECT_EQ(principal.user_id, ada.user.id);
  EXPECT_FALSE(principal.session_id.empty());
}

TEST_P(SessionsTest, RevokingTheKeyEndsItsSessionsOnly) {
  const SignUpResult ada = accounts_->SignUp("ada@example.com", "Ada");
  const NewKey second = accounts_->CreateKey(ada.user.id, "second");
  const NewSession first_session = accounts_->CreateSession(ada.key.secret, 1h);
  const NewSession second_session = accounts_->CreateSession(second.secret, 1h);
  accounts_->RevokeKey(ada.user.id, ada.key.id);
  EXPECT_EQ(CodeOf([&] { accounts_->AuthenticateSession(first_session.token); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(accounts_->AuthenticateSession(second_session.token).user_id, ada.user.id);
}

TEST_P(SessionsTest, LogoutExpiryAndAccountDeletionEndSessions) {
  const SignUpResult ada = accounts_->SignUp("ada@example.com", "Ada");
  const NewSession out = accounts_->CreateSession(ada.key.secret, 1h);
  accounts_->RevokeSession(out.token);
  EXPECT_EQ(CodeOf([&] { accounts_->AuthenticateSession(out.token); }), ErrorCode::kUnauthenticated);

  const NewSession expiring = accounts_->CreateSession(ada.key.secret, 1h);
  now_ += 1h;
  EXPECT_EQ(CodeOf([&] { accounts_->AuthenticateSession(expiring.token); }), ErrorCode::kUnauthenticated);

  const NewSession live = accounts_->CreateSession(ada.key.secret, 1h);
  accounts_->DeleteUser(ada.user.id);
  EXPECT_EQ(CodeOf([&] { accounts_->AuthenticateSession(live.token); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(db_->QueryOne("SELECT COUNT(*) FROM sessions")->Get<std::int64_t>(0), 0);
}

TEST_P(SessionsTest, StateChangingCookieRequestsNeedTheSessionsCsrfToken) {
  const SignUpResult ada = accounts_->SignUp("ada@example.com", "Ada");
  const NewSession session = accounts_->CreateSession(ada.key.secret, 1h);
  const NewSession other = accounts_->CreateSession(ada.key.secret, 1h);
  const std::string csrf = CsrfToken(crypto_, session.token);
  EXPECT_EQ(csrf.size(), kSecretLength);
  EXPECT_NE(csrf, CsrfToken(crypto_, other.token));

  AuthCache auth(*accounts_, crypto_, 60s);
  EXPECT_EQ(auth.Authenticate(Cookie(session.token, true, csrf)).user_id, ada.user.id);
  EXPECT_EQ(auth.Authenticate(Cookie(session.token, false, "")).user_id, ada.user.id);  // GET: none needed
  EXPECT_EQ(CodeOf([&] { auth.Authenticate(Cookie(session.token, true, "")); }), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf([&] { auth.Authenticate(Cookie(session.token, true, CsrfToken(crypto_, other.token))); }),
            ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf([&] { auth.Authenticate(Cookie(session.token, true, csrf.substr(1))); }), ErrorCode::kForbidden);
}

INSTANTIATE_TEST_SUITE_P(Backends, SessionsTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace faceloop::accounts
