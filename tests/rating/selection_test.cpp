// Who gets the rating e-mail of a period, on SQLite and a real PostgreSQL: users with successful
// requests (image stored) in the period and after their last rating e-mail, rating_email
// effectively on, not yet mailed this period; each with their newest requests. Claims are once per
// user and period.
#include <gtest/gtest.h>

#include "accounts/account_service.hpp"
#include "accounts/preferences.hpp"
#include "common/time.hpp"
#include "rating/selection.hpp"
#include "support/migrated_database.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::rating {
namespace {

using namespace std::chrono_literals;

class SelectionTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    accounts_ = std::make_unique<accounts::AccountService>(*db_, crypto_);
  }

  std::string NewUser(const std::string& email) { return accounts_->SignUp(email, "").user.id; }

  /// A request record as the database shipper leaves it (only what the selection reads).
  void AddRequest(const std::string& id, const std::string& user_id, Time at, std::int64_t status = 200,
                  bool image = true) {
    db_->Execute("INSERT INTO requests (id, user_id, received_at, status, image_key) VALUES (?, ?, ?, ?, ?)",
                 {id, user_id, FormatTimestamp(at), status,
                  image ? db::Value(std::string("images/" + id)) : db::Value(nullptr)});
  }

  std::vector<Recipient> Select(int predictions = 2) { return SelectRecipients(*db_, window_, predictions, {}); }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
  accounts::Crypto crypto_{std::vector<std::uint8_t>(accounts::kPepperBytes, 7)};
  std::unique_ptr<accounts::AccountService> accounts_;
  const Time start_ = ParseTimestamp("2026-11-23T00:00:00.000Z");
  const Window window_{start_, start_, start_ + 7 * 24h};
};

TEST_P(SelectionTest, UsersWithRequestsInThePeriodGetTheirNewest) {
  const std::string ada = NewUser("ada@example.com");
  const std::string bob = NewUser("bob@example.com");  // no requests
  AddRequest("r1", ada, start_ + 1h);
  AddRequest("r2", ada, start_ + 2h);
  AddRequest("r3", ada, start_ + 3h);
  AddRequest("r0", ada, start_ - 1h);  // the period before
  const std::vector<Recipient> recipients = Select();
  ASSERT_EQ(recipients.size(), 1u);
  EXPECT_EQ(recipients[0].user_id, ada);
  EXPECT_EQ(recipients[0].email, "ada@example.com");
  EXPECT_EQ(recipients[0].request_ids, (std::vector<std::string>{"r3", "r2"}));
}

TEST_P(SelectionTest, FailedRequestsRequestsWithoutImageAndOtherPeriodsDoNotCount) {
  const std::string ada = NewUser("ada@example.com");
  AddRequest("r1", ada, start_ + 1h, 422);
  AddRequest("r2", ada, start_ + 2h, 200, false);
  AddRequest("r3", ada, window_.end);  // the next period
  EXPECT_TRUE(Select().empty());
}

TEST_P(SelectionTest, OptedOutUsersAndTheDefaultAreRespected) {
  const std::string ada = NewUser("ada@example.com");
  const std::string bob = NewUser("bob@example.com");
  AddRequest("a1", ada, start_ + 1h);
  AddRequest("b1", bob, start_ + 1h);
  accounts::UpdatePreferences(*db_, ada, {false, std::nullopt}, {}, start_);
  std::vector<Recipient> recipients = Select();
  ASSERT_EQ(recipients.size(), 1u);
  EXPECT_EQ(recipients[0].user_id, bob);
  // With the default off, only a user who said yes would get it: nobody here.
  EXPECT_TRUE(SelectRecipients(*db_, window_, 2, {false, true}).empty());
}

TEST_P(SelectionTest, OncePerPeriodAndOnlyRequestsSinceTheLastEmail) {
  const std::string ada = NewUser("ada@example.com");
  AddRequest("r1", ada, start_ + 1h);
  EXPECT_TRUE(ClaimPeriod(*db_, ada, window_.period_start, start_ + 2h));
  EXPECT_FALSE(ClaimPeriod(*db_, ada, window_.period_start, start_ + 2h));  // another process
  EXPECT_TRUE(Select().empty());

  // The next period: r1 was listed already (before the last e-mail); only r2 is new.
  const Window next{window_.end, window_.end, window_.end + 7 * 24h};
  AddRequest("r2", ada, window_.end + 1h);
  const std::vector<Recipient> recipients = SelectRecipients(*db_, next, 3, {});
  ASSERT_EQ(recipients.size(), 1u);
  EXPECT_EQ(recipients[0].request_ids, std::vector<std::string>{"r2"});

  ReleasePeriod(*db_, ada, window_.period_start);  // an e-mail that could not be sent
  EXPECT_TRUE(ClaimPeriod(*db_, ada, window_.period_start, start_ + 3h));
}

TEST_P(SelectionTest, DeletedAccountsGetNothingAndTheirClaimsGo) {
  const std::string ada = NewUser("ada@example.com");
  AddRequest("r1", ada, start_ + 1h);
  ASSERT_TRUE(ClaimPeriod(*db_, ada, start_ - 7 * 24h, start_ - 1h));
  accounts_->DeleteUser(ada);  // the records stay until the purge; the account is gone
  EXPECT_TRUE(Select().empty());
  EXPECT_EQ(db_->QueryOne("SELECT COUNT(*) FROM rating_emails")->Get<std::int64_t>(0), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SelectionTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace faceloop::rating
