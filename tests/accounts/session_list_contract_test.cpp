// A user's own sessions on SQLite and a real PostgreSQL: listed without tokens (only the working
// ones, newest first, with their key and last use), revoked by id, and 404 (kNotFound) for ids that
// are not the caller's, so that other users' session ids cannot be probed.
#include <gtest/gtest.h>

#include "accounts/account_service.hpp"
#include "db/timestamp.hpp"
#include "support/error_code.hpp"
#include "support/migrated_database.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::accounts {
namespace {

using faceloop::testing::CodeOf;
using namespace std::chrono_literals;

class SessionListTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    accounts_ = std::make_unique<AccountService>(*db_, crypto_, [this] { return now_; });
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
  Crypto crypto_{std::vector<std::uint8_t>(kPepperBytes, 7)};
  std::chrono::system_clock::time_point now_{std::chrono::milliseconds{1'800'000'000'000}};
  std::unique_ptr<AccountService> accounts_;
};

TEST_P(SessionListTest, ListsWorkingSessionsNewestFirstWithKeyAndLastUse) {
  const SignUpResult ada = accounts_->SignUp("ada@example.com", "Ada");
  const NewKey second = accounts_->CreateKey(ada.user.id, "second");
  const NewSession older = accounts_->CreateSession(ada.key.secret, 2h);
  now_ += 1s;
  const NewSession newer = accounts_->CreateSession(second.secret, 2h);
  now_ += 1s;
  const NewSession ended = accounts_->CreateSession(ada.key.secret, 2h);
  accounts_->RevokeSession(ended.token);
  (void)accounts_->AuthenticateSession(older.token);
  (void)newer;

  const std::vector<SessionInfo> sessions = accounts_->ListSessions(ada.user.id);
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0].key_id, second.id);
  EXPECT_FALSE(sessions[0].last_used_at);
  EXPECT_EQ(sessions[1].key_id, ada.key.id);
  EXPECT_EQ(sessions[1].last_used_at, db::FormatTimestamp(now_));
  EXPECT_EQ(sessions[1].expires_at, older.expires_at);
  for (const SessionInfo& session : sessions) {
    EXPECT_EQ(session.id.size(), kIdLength);  // the row id, never the token
    EXPECT_NE(session.id, older.token);
  }

  // Ends with its key, and with time.
  accounts_->RevokeKey(ada.user.id, second.id);
  ASSERT_EQ(accounts_->ListSessions(ada.user.id).size(), 1u);
  now_ += 3h;
  EXPECT_TRUE(accounts_->ListSessions(ada.user.id).empty());
}

TEST_P(SessionListTest, LastUseIsWrittenAtMostOncePerResolution) {
  const SignUpResult ada = accounts_->SignUp("ada@example.com", "Ada");
  const NewSession session = accounts_->CreateSession(ada.key.secret, 2h);
  (void)accounts_->AuthenticateSession(session.token);
  const std::string first = db::FormatTimestamp(now_);
  now_ += 10s;
  (void)accounts_->AuthenticateSession(session.token);
  EXPECT_EQ(accounts_->ListSessions(ada.user.id).at(0).last_used_at, first);
  now_ += kLastUsedResolution;
  (void)accounts_->AuthenticateSession(session.token);
  EXPECT_EQ(accounts_->ListSessions(ada.user.id).at(0).last_used_at, db::FormatTimestamp(now_));
}

TEST_P(SessionListTest, RevokesOwnSessionsByIdAndNotOthers) {
  const SignUpResult ada = accounts_->SignUp("ada@example.com", "Ada");
  const SignUpResult bob = accounts_->SignUp("bob@example.com", "Bob");
  const NewSession ada_session = accounts_->CreateSession(ada.key.secret, 1h);
  const NewSession bob_session = accounts_->CreateSession(bob.key.secret, 1h);
  const std::string ada_id = accounts_->ListSessions(ada.user.id).at(0).id;
  const std::string bob_id = accounts_->ListSessions(bob.user.id).at(0).id;

  EXPECT_EQ(CodeOf([&] { accounts_->RevokeSessionById(ada.user.id, bob_id); }), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf([&] { accounts_->RevokeSessionById(ada.user.id, "no-such-session"); }), ErrorCode::kNotFound);
  EXPECT_EQ(accounts_->AuthenticateSession(bob_session.token).user_id, bob.user.id);

  accounts_->RevokeSessionById(ada.user.id, ada_id);
  accounts_->RevokeSessionById(ada.user.id, ada_id);  // idempotent
  EXPECT_EQ(CodeOf([&] { accounts_->AuthenticateSession(ada_session.token); }), ErrorCode::kUnauthenticated);
  EXPECT_TRUE(accounts_->ListSessions(ada.user.id).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, SessionListTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace faceloop::accounts
