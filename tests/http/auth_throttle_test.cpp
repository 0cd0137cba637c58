// Failed-authentication throttling through AuthCache over a real SQLite accounts database and the
// per-process limiter: failures are counted per client address and per key id, a throttled
// attempt is refused (429 with Retry-After) even with the right secret, which shows the refusal
// comes before the secret is checked, and successes cost nothing.
#include "http/auth_throttle.hpp"

#include <gtest/gtest.h>

#include "accounts/auth_cache.hpp"
#include "db/migrations.hpp"
#include "db/sqlite_database.hpp"
#include "http/quotas.hpp"
#include "support/error_code.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::http {
namespace {

using accounts::Credentials;
using faceloop::testing::CodeOf;
using namespace std::chrono_literals;

class AuthThrottleTest : public ::testing::Test {
 protected:
  AuthThrottleTest() {
    db_.ApplyMigrations(db::FaceloopMigrations());
    auth_.SetThrottle(&throttle_);
  }

  static Credentials Key(const std::string& secret, const std::string& client) {
    Credentials credentials{Credentials::Kind::kApiKey, secret};
    credentials.client = client;
    return credentials;
  }
  /// The key with its secret replaced: the right id, a wrong secret.
  static std::string WrongSecret(const accounts::NewKey& key) {
    return key.secret.substr(0, key.secret.size() - 43) + std::string(43, 'A');
  }

  faceloop::testing::TempDir dir_;
  db::SqliteDatabase db_{db::SqliteOptions{(dir_.path() / "t.db").string()}};
  accounts::Crypto crypto_{std::vector<std::uint8_t>(accounts::kPepperBytes, 3)};
  accounts::AccountService accounts_{db_, crypto_};
  accounts::AuthCache auth_{accounts_, crypto_, 60s};
  std::unique_ptr<ratelimit::IRateLimiter> limiter_ = ratelimit::MakeLocalLimiter();
  telemetry::Counter refused_;
  AuthThrottle throttle_{*limiter_, AuthThrottleQuotas{}, &refused_};
};

TEST_F(AuthThrottleTest, FivePerKeyIdThenRefusedBeforeTheSecretIsChecked) {
  const accounts::SignUpResult ada = accounts_.SignUp("ada@example.com", "Ada");
  for (int i = 0; i < 5; ++i) {
    // From five addresses: the per-key bucket is shared by every client.
    EXPECT_EQ(CodeOf([&] { auth_.Authenticate(Key(WrongSecret(ada.key), "198.51.100." + std::to_string(i))); }),
              ErrorCode::kUnauthenticated);
  }
  try {
    auth_.Authenticate(Key(ada.key.secret, "203.0.113.9"));  // the right secret, from a fresh client
    FAIL() << "not throttled";
  } catch (const ErrorWithHeaders& error) {
    EXPECT_EQ(error.code(), ErrorCode::kTooManyRequests);
    bool retry_after = false;
    for (const auto& [name, value] : error.headers()) {
      if (name == "Retry-After") retry_after = std::stoi(value) >= 1 && std::stoi(value) <= 12;
    }
    EXPECT_TRUE(retry_after);
  }
  EXPECT_EQ(refused_.Value(), 1u);
  // Another key of the same user is not affected.
  const accounts::NewKey second = accounts_.CreateKey(ada.user.id, "second");
  EXPECT_EQ(auth_.Authenticate(Key(second.secret, "203.0.113.9")).user_id, ada.user.id);
}

TEST_F(AuthThrottleTest, TenPerClientThenThatClientOnly) {
  const accounts::SignUpResult ada = accounts_.SignUp("ada@example.com", "Ada");
  for (int i = 0; i < 10; ++i) {
    const accounts::NewKey key = accounts_.CreateKey(ada.user.id, std::to_string(i));
    EXPECT_EQ(CodeOf([&] { auth_.Authenticate(Key(WrongSecret(key), "198.51.100.7")); }), ErrorCode::kUnauthenticated);
  }
  EXPECT_EQ(CodeOf([&] { auth_.Authenticate(Key(ada.key.secret, "198.51.100.7")); }), ErrorCode::kTooManyRequests);
  // Session tokens from that client too (throttled per client only).
  EXPECT_EQ(CodeOf([&] {
              auth_.Authenticate(
                  Credentials{Credentials::Kind::kSession, std::string(43, 'x'), false, false, "", "198.51.100.7"});
            }),
            ErrorCode::kTooManyRequests);
  EXPECT_EQ(auth_.Authenticate(Key(ada.key.secret, "198.51.100.8")).user_id, ada.user.id);
}

TEST_F(AuthThrottleTest, SuccessesAreNeverCounted) {
  const accounts::SignUpResult ada = accounts_.SignUp("ada@example.com", "Ada");
  for (int i = 0; i < 100; ++i) EXPECT_EQ(auth_.Authenticate(Key(ada.key.secret, "::1")).user_id, ada.user.id);
}

TEST_F(AuthThrottleTest, ThrottledLogInsGoThroughTheSameGate) {
  const accounts::SignUpResult ada = accounts_.SignUp("ada@example.com", "Ada");
  const Credentials wrong = Key(WrongSecret(ada.key), "192.0.2.1");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(CodeOf([&] { auth_.Throttled(wrong, [&] { return accounts_.CreateSession(wrong.secret, 1h); }); }),
              ErrorCode::kUnauthenticated);
  }
  const Credentials right = Key(ada.key.secret, "192.0.2.2");
  EXPECT_EQ(CodeOf([&] { auth_.Throttled(right, [&] { return accounts_.CreateSession(right.secret, 1h); }); }),
            ErrorCode::kTooManyRequests);
}

// Two processes sharing one limiter (as through Redis): the second checks the limiter before a
// verification only once it has seen the bucket fail itself, so a client that emptied its bucket
// on the first gets one more verification on the second, then is refused there too.
TEST_F(AuthThrottleTest, AnotherProcessRefusesAfterOneFailureOfItsOwn) {
  const accounts::SignUpResult ada = accounts_.SignUp("ada@example.com", "Ada");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(CodeOf([&] { auth_.Authenticate(Key(WrongSecret(ada.key), "198.51.100.20")); }),
              ErrorCode::kUnauthenticated);
  }
  AuthThrottle other_throttle{*limiter_, AuthThrottleQuotas{}};
  accounts::AuthCache other{accounts_, crypto_, 60s};
  other.SetThrottle(&other_throttle);
  EXPECT_EQ(CodeOf([&] { other.Authenticate(Key(WrongSecret(ada.key), "198.51.100.21")); }),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { other.Authenticate(Key(ada.key.secret, "198.51.100.22")); }), ErrorCode::kTooManyRequests);
  // The first process refuses from the start.
  EXPECT_EQ(CodeOf([&] { auth_.Authenticate(Key(ada.key.secret, "198.51.100.23")); }), ErrorCode::kTooManyRequests);
}

TEST(AuthThrottleBucketsTest, ClientBucketsAndKeyIds) {
  EXPECT_EQ(ClientBucket("203.0.113.77"), "203.0.113.77");
  EXPECT_EQ(ClientBucket("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientBucket("2001:db8:1:2::9"), ClientBucket("2001:db8:1:2:ffff::1"));
  EXPECT_EQ(KeyIdOf("fl_0123456789abcdefghjkmnpqrs_secret"), "0123456789abcdefghjkmnpqrs");
  EXPECT_EQ(KeyIdOf("fl_0123456789ABCDEFGHJKMNPQRS_secret"), "");
  EXPECT_EQ(KeyIdOf("fl_short_secret"), "");
  EXPECT_EQ(KeyIdOf(std::string(43, 'x')), "");
}

}  // namespace
}  // namespace faceloop::http
