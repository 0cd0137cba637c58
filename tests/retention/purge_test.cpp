// The retention purge and the export's listings on SQLite and a real PostgreSQL (skipped without
// FACELOOP_TEST_DATABASE_URL unless FACELOOP_REQUIRE_SERVERS=1): dry-run counts, what a real run
// removes from the database and the object store, what it keeps, and the tombstones.
#include "retention/purge.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "common/time.hpp"
#include "events/user_events.hpp"
#include "feedback/store.hpp"
#include "requests/store.hpp"
#include "storage/local_object_store.hpp"
#include "support/migrated_database.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::retention {
namespace {

const auto kNow = ParseTimestamp("2026-11-30T00:00:00.000Z");

requests::RequestRecord Record(const std::string& id, const std::string& user, const std::string& time) {
  requests::RequestRecord r;
  r.request_id = id;
  r.user_id = user;
  r.received_at = ParseTimestamp(time);
  r.model_name = "m";
  r.image_key = "inputs/" + id + ".jpg";
  r.image_bytes = 3;
  return r;
}

feedback::Feedback Given(const std::string& request_id, const std::string& user, const std::string& time) {
  feedback::Feedback f;
  f.request_id = request_id;
  f.user_id = user;
  f.request_user_id = user;
  f.request_received_at = ParseTimestamp(time);
  f.created_at = f.updated_at = ParseTimestamp(time);
  return f;
}

class PurgeTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    objects_ = std::make_unique<storage::LocalObjectStore>(dir_.path() / "objects");
    // Two old records (60 and 40 days), one recent (5 days), each with its image; events and
    // feedback of the same ages.
    const std::vector<std::pair<std::string, std::string>> records = {
        {"r1", "2026-10-01T00:00:00.000Z"}, {"r2", "2026-10-21T00:00:00.000Z"}, {"r3", "2026-11-25T00:00:00.000Z"}};
    db_->Transaction([&](db::IDatabase& tx) {
      for (const auto& [id, time] : records) requests::RequestStore::Insert(tx, Record(id, "alice", time));
    });
    for (const auto& [id, time] : records) {
      objects_->Put("inputs/" + id + ".jpg", std::vector<std::uint8_t>{1, 2, 3});
      db_->Execute("INSERT INTO events (id, type, user_id, occurred_at, data_json) VALUES (?, 'detect', ?, ?, '{}')",
                   {"e" + id, "alice", time});
      feedback::FeedbackStore(*db_).Save(Given(id, "alice", time));
    }
  }

  std::int64_t Rows(const char* table) {
    return db_->QueryOne(std::string("SELECT count(*) FROM ") + table)->Get<std::int64_t>(0);
  }
  PurgeReport Run(const Policy& policy, bool dry_run) {
    return Purge({*db_, *objects_, nullptr}, policy, kNow, dry_run);
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
  std::unique_ptr<storage::LocalObjectStore> objects_;
};

TEST_P(PurgeTest, ZeroKeepsEverythingForever) {
  const PurgeReport report = Run(Policy{}, false);
  EXPECT_EQ(report.counts.records + report.counts.input_images + report.counts.events + report.counts.feedback, 0);
  EXPECT_TRUE(report.cutoffs.empty());
  EXPECT_EQ(Rows("requests"), 3);
  EXPECT_EQ(objects_->List("inputs/").size(), 3u);
}

TEST_P(PurgeTest, DryRunCountsAndChangesNothing) {
  Policy policy;
  policy.records_days = 50;       // r1
  policy.input_images_days = 30;  // r1's and r2's images
  policy.events_days = 30;        // e r1, e r2
  policy.feedback_days = 50;      // r1's
  const PurgeReport report = Run(policy, true);
  EXPECT_TRUE(report.dry_run);
  EXPECT_EQ(report.counts.records, 1);
  EXPECT_EQ(report.counts.input_images, 2);
  EXPECT_EQ(report.counts.events, 2);
  EXPECT_EQ(report.counts.feedback, 1);
  EXPECT_EQ(report.cutoffs.at("records"), "2026-10-11T00:00:00.000Z");
  EXPECT_EQ(Rows("requests"), 3);
  EXPECT_EQ(Rows("events"), 3);
  EXPECT_EQ(Rows("feedback"), 3);
  EXPECT_EQ(objects_->List("inputs/").size(), 3u);
  // The real run removes exactly what the dry run counted.
  const PurgeReport real = Run(policy, false);
  EXPECT_EQ(nlohmann::json(real.counts), nlohmann::json(report.counts));
}

TEST_P(PurgeTest, RemovesRowsAndFilesPastTheirPeriodAndKeepsTheRest) {
  Policy policy;
  policy.records_days = 50;
  policy.input_images_days = 30;
  policy.events_days = 30;
  policy.feedback_days = 50;
  Run(policy, false);
  requests::RequestStore store(*db_);
  EXPECT_FALSE(store.Find("r1").has_value());
  ASSERT_TRUE(store.Find("r2").has_value());
  EXPECT_FALSE(store.Find("r2")->image_key.has_value()) << "the record stays, its image goes";
  EXPECT_EQ(store.Find("r3")->image_key, "inputs/r3.jpg");
  EXPECT_EQ(objects_->List("inputs/"), std::vector<std::string>{"inputs/r3.jpg"});
  EXPECT_EQ(Rows("events"), 1);
  EXPECT_EQ(Rows("feedback"), 2);
  // Idempotent: a second run finds nothing more.
  const PurgeReport again = Run(policy, false);
  EXPECT_EQ(again.counts.records + again.counts.input_images + again.counts.events + again.counts.feedback, 0);
}

TEST_P(PurgeTest, SweepsImagesThatNoRecordNamesByTheirDayFolder) {
  const auto day = kNow - std::chrono::days(33);
  const std::string orphan = storage::InputKey("orphan", day, "jpg");  // its request failed after the write
  const std::string named = storage::InputKey("r9", day, "jpg");
  requests::RequestRecord r9 = Record("r9", "alice", FormatTimestamp(day));
  r9.image_key = named;
  db_->Transaction([&](db::IDatabase& tx) { requests::RequestStore::Insert(tx, r9); });
  for (const std::string& key : {orphan, named}) objects_->Put(key, std::vector<std::uint8_t>{1});
  Policy policy;
  policy.input_images_days = 30;
  const PurgeReport dry = Run(policy, true);
  EXPECT_EQ(dry.counts.unreferenced_images, 1);
  EXPECT_EQ(dry.counts.input_images, 3);  // r1, r2, r9
  EXPECT_TRUE(objects_->Exists(orphan));
  const PurgeReport real = Run(policy, false);
  EXPECT_EQ(nlohmann::json(real.counts), nlohmann::json(dry.counts));
  EXPECT_FALSE(objects_->Exists(orphan));
  EXPECT_FALSE(objects_->Exists(named));
  EXPECT_FALSE(requests::RequestStore(*db_).Find("r9")->image_key.has_value());
}

TEST_P(PurgeTest, SweepsTheTempFilesOfWritesACrashInterrupted) {
  // A process killed between writing an image's temp file and renaming it leaves the temp file,
  // which no record names and List never shows. An hour-old one goes; a fresh one (a write that may
  // still be in progress, its day set by the client's clock) stays.
  namespace fs = std::filesystem;
  const fs::path folder = objects_->root() / storage::InputKey("x", kNow - std::chrono::days(33), "jpg");
  fs::create_directories(folder.parent_path());
  const fs::path stale = folder.parent_path() / "died.jpg~4242.0";
  const fs::path fresh = folder.parent_path() / "writing.jpg~4243.0";
  for (const fs::path& path : {stale, fresh}) std::ofstream(path) << "half";
  fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(2));
  Policy policy;
  policy.input_images_days = 30;
  const PurgeReport dry = Run(policy, true);
  EXPECT_EQ(dry.counts.unreferenced_images, 1);
  EXPECT_TRUE(fs::exists(stale));
  const PurgeReport real = Run(policy, false);
  EXPECT_EQ(nlohmann::json(real.counts), nlohmann::json(dry.counts));
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(fresh));
}

TEST_P(PurgeTest, TombstonesAreForgottenAfterTheirPeriod) {
  db_->Execute("INSERT INTO deleted_users (user_id, deleted_at) VALUES ('old', '2026-09-01T00:00:00.000Z')");
  db_->Execute("INSERT INTO deleted_users (user_id, deleted_at) VALUES ('new', '2026-11-29T00:00:00.000Z')");
  EXPECT_EQ(Run(Policy{}, true).counts.tombstones_forgotten, 1);
  EXPECT_EQ(Rows("deleted_users"), 2);
  EXPECT_EQ(Run(Policy{}, false).counts.tombstones_forgotten, 1);
  EXPECT_EQ(db_->QueryOne("SELECT user_id FROM deleted_users")->Get<std::string>(0), "new");
}

TEST_P(PurgeTest, ExportListingsPageThroughOneUsersDataOnly) {
  feedback::FeedbackStore(*db_).Save(Given("r3", "bob", "2026-11-26T00:00:00.000Z"));
  db_->Execute("INSERT INTO events (id, type, user_id, occurred_at, data_json) VALUES ('eb', 'login', 'bob', ?, '{}')",
               {std::string("2026-11-26T00:00:00.000Z")});
  feedback::FeedbackStore store(*db_);
  const auto first = store.ListGivenBy("alice", std::nullopt, 2);
  ASSERT_EQ(first.size(), 2u);
  const auto rest = store.ListGivenBy("alice", first.back().request_id, 2);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].request_id, "r3");
  EXPECT_EQ(rest[0].user_id, "alice");
  const auto events = events::ListUserEvents(*db_, "alice", std::nullopt, 10);
  ASSERT_EQ(events.size(), 3u);
  for (const auto& event : events) EXPECT_NE(event.id, "eb");
  EXPECT_EQ(events::ListUserEvents(*db_, "alice", events[1].id, 10).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, PurgeTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace faceloop::retention
