// Per-user preferences on SQLite and a real PostgreSQL: the configured defaults apply until a user
// chooses, a PATCH sets what it names and keeps the rest, bad bodies are refused naming the field,
// the SQL predicate filters users the same way in both dialects, and the row goes with its user.
#include <algorithm>

#include <gtest/gtest.h>

#include "accounts/account_service.hpp"
#include "accounts/preferences.hpp"
#include "support/error_code.hpp"
#include "support/migrated_database.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::accounts {
namespace {

using faceloop::testing::CodeOf;

class PreferencesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    accounts_ = std::make_unique<AccountService>(*db_, crypto_);
  }

  std::string NewUser(const std::string& email) { return accounts_->SignUp(email, "").user.id; }

  /// The ids of the users `sql` (a condition on users.id) lets through, sorted.
  std::vector<std::string> UsersWhere(const std::string& sql) {
    std::vector<std::string> ids;
    for (const db::Row& row : db_->Query("SELECT id FROM users WHERE " + sql + " ORDER BY id")) {
      ids.push_back(row.Get<std::string>(0));
    }
    return ids;
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
  Crypto crypto_{std::vector<std::uint8_t>(kPepperBytes, 7)};
  std::unique_ptr<AccountService> accounts_;
  std::chrono::system_clock::time_point now_{std::chrono::milliseconds{1'800'000'000'000}};
};

TEST_P(PreferencesTest, DefaultsApplyUntilTheUserChooses) {
  const std::string ada = NewUser("ada@example.com");
  const Preferences fresh = EffectivePreferences(*db_, ada, {true, false});
  EXPECT_EQ(fresh.rating_email, true);
  EXPECT_EQ(fresh.training_use, false);
  EXPECT_FALSE(StoredPreferences(*db_, ada).rating_email.has_value());

  const Preferences after = UpdatePreferences(*db_, ada, {false, std::nullopt}, {true, false}, now_);
  EXPECT_EQ(after.rating_email, false);
  EXPECT_EQ(after.training_use, false);
  // The unset field stays unset: a later default still moves it.
  EXPECT_FALSE(StoredPreferences(*db_, ada).training_use.has_value());
  EXPECT_EQ(EffectivePreferences(*db_, ada, {true, true}).training_use, true);
  EXPECT_EQ(EffectivePreferences(*db_, ada, {true, true}).rating_email, false);
}

TEST_P(PreferencesTest, APatchSetsWhatItNamesAndKeepsTheRest) {
  const std::string ada = NewUser("ada@example.com");
  UpdatePreferences(*db_, ada, {false, true}, {}, now_);
  const Preferences after = UpdatePreferences(*db_, ada, {std::nullopt, false}, {}, now_ + std::chrono::hours(1));
  EXPECT_EQ(after.rating_email, false);
  EXPECT_EQ(after.training_use, false);
  UpdatePreferences(*db_, ada, {}, {}, now_);  // an empty patch changes nothing
  EXPECT_EQ(StoredPreferences(*db_, ada).rating_email, false);
  EXPECT_EQ(db_->QueryOne("SELECT COUNT(*) FROM user_preferences")->Get<std::int64_t>(0), 1);
}

TEST_P(PreferencesTest, UnknownUserIsNotFoundAndNothingIsWritten) {
  EXPECT_EQ(CodeOf([&] { UpdatePreferences(*db_, "nobody", {true, true}, {}, now_); }), ErrorCode::kNotFound);
  EXPECT_EQ(db_->QueryOne("SELECT COUNT(*) FROM user_preferences")->Get<std::int64_t>(0), 0);
}

TEST_P(PreferencesTest, TrainingUsePredicateFiltersUsersInBothDialects) {
  const std::string chose_yes = NewUser("yes@example.com");
  const std::string chose_no = NewUser("no@example.com");
  const std::string never = NewUser("never@example.com");
  UpdatePreferences(*db_, chose_yes, {std::nullopt, true}, {}, now_);
  UpdatePreferences(*db_, chose_no, {std::nullopt, false}, {}, now_);
  std::vector<std::string> opt_out{chose_yes, never};
  std::sort(opt_out.begin(), opt_out.end());
  EXPECT_EQ(UsersWhere(TrainingUseAllowedSql("users.id", {true, true})), opt_out);
  EXPECT_EQ(UsersWhere(TrainingUseAllowedSql("users.id", {true, false})), std::vector<std::string>{chose_yes});
  EXPECT_EQ(UsersWhere(PreferenceAllowsSql("rating_email", "users.id", false)), std::vector<std::string>{});
  EXPECT_EQ(CodeOf([] { (void)PreferenceAllowsSql("users.id; DROP TABLE users", "users.id", true); }),
            ErrorCode::kInternal);
}

TEST_P(PreferencesTest, PreferencesGoWithTheirUser) {
  const std::string ada = NewUser("ada@example.com");
  UpdatePreferences(*db_, ada, {false, false}, {}, now_);
  accounts_->DeleteUser(ada);
  EXPECT_EQ(db_->QueryOne("SELECT COUNT(*) FROM user_preferences")->Get<std::int64_t>(0), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, PreferencesTest, ::testing::Values("sqlite", "postgres"));

TEST(PreferencesPatch, AcceptsEitherFieldAndRefusesOthersNamingThem) {
  const Preferences both = ParsePreferencesPatch({{"rating_email", false}, {"training_use", true}});
  EXPECT_EQ(both.rating_email, false);
  EXPECT_EQ(both.training_use, true);
  EXPECT_FALSE(ParsePreferencesPatch(nlohmann::json::object()).rating_email.has_value());
  try {
    ParsePreferencesPatch({{"rating_emails", true}});
    ADD_FAILURE() << "unknown field accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kUnprocessable);
    EXPECT_NE(std::string(error.what()).find("rating_emails"), std::string::npos);
  }
  for (const nlohmann::json& value : {nlohmann::json("yes"), nlohmann::json(1), nlohmann::json(nullptr)}) {
    try {
      ParsePreferencesPatch({{"training_use", value}});
      ADD_FAILURE() << "non-boolean accepted: " << value.dump();
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::kUnprocessable);
      EXPECT_NE(std::string(error.what()).find("training_use"), std::string::npos);
    }
  }
  EXPECT_EQ(CodeOf([] { ParsePreferencesPatch(nlohmann::json::array()); }), ErrorCode::kBadRequest);
}

TEST(PreferencesJson, EffectivePreferencesAsTheApiShowsThem) {
  EXPECT_EQ(ToJson(Effective({}, {true, false})), (nlohmann::json{{"rating_email", true}, {"training_use", false}}));
}

}  // namespace
}  // namespace faceloop::accounts
