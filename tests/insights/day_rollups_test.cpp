// The daily rollups (migration 11) as the database shipper maintains them, on SQLite and a real
// PostgreSQL: the user days equal a direct count over the records, the day bins the hourly bins
// summed per day; both unchanged by re-delivery, equal to the migration's backfill, and the user
// days purged with the account. Reads over windows cut mid-day equal the hourly and record reads.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "common/time.hpp"
#include "db/migrations.hpp"
#include "events/database_sink.hpp"
#include "events/records.hpp"
#include "insights/day_rows.hpp"
#include "insights/day_window.hpp"
#include "insights/features.hpp"
#include "insights/rollup_sql.hpp"
#include "insights/rollups.hpp"
#include "requests/store.hpp"
#include "support/migrated_database.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::insights {
namespace {

using requests::RequestRecord;
using std::chrono::hours;

constexpr int kRecords = 300;
constexpr int kUsers = 6;
// Saturday 2026-11-28 to Tuesday: crosses a week's and a month's end.
const Time kStart = ParseTimestamp("2026-11-28T00:00:00Z");

std::vector<RequestRecord> Generate() {
  std::mt19937 random(23);
  std::uniform_int_distribution<int> minute(0, 96 * 60 - 1), user(0, kUsers - 1), faces(0, 3);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<RequestRecord> records;
  for (int i = 0; i < kRecords; ++i) {
    RequestRecord r;
    r.request_id = "d" + std::to_string(10000 + i);
    r.user_id = "u" + std::to_string(user(random));
    r.received_at = kStart + std::chrono::minutes(minute(random));
    r.model_name = "retinaface";
    if (i % 11 == 10) {
      r.status = 413;
      r.error_type = "payload-too-large";
      records.push_back(r);
      continue;
    }
    r.model_version = i % 2 == 0 ? "mnet-0.25" : "r50";
    r.face_count = faces(random);
    r.total_ms = 10 + 90 * unit(random);
    r.image = {{"width", 640}, {"height", 480}, {"format", "jpeg"}, {"brightness", unit(random)}};
    r.faces = nlohmann::json::array();
    for (int f = 0; f < *r.face_count; ++f) r.faces.push_back({{"confidence", 0.5 + unit(random) / 2}});
    records.push_back(r);
  }
  return records;
}

class DayRollupsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    for (int u = 0; u < kUsers; ++u) {  // the shipper drops records of users that do not exist
      db_->Execute("INSERT INTO users (id, email, role, created_at) VALUES (?, ?, 'user', ?)",
                   {"u" + std::to_string(u), "u" + std::to_string(u) + "@example.com", FormatTimestamp(kStart)});
    }
  }

  void ShipAll(std::size_t batch_size) {
    for (std::size_t at = 0; at < records_.size(); at += batch_size) {
      std::vector<std::string> batch;
      for (std::size_t i = at; i < std::min(at + batch_size, records_.size()); ++i) {
        batch.push_back(events::ToSpoolRecord(records_[i]));
      }
      EXPECT_EQ(events::DeliverToDatabase(*db_, batch), 0u);
    }
  }

  template <typename Row>
  std::map<std::string, Row> Dump() {
    std::map<std::string, Row> rows;
    for (const db::Row& stored : db_->Query(SelectByBucketSql<Row>("day", "1 = 1"))) {
      const auto row = FromRow<Row>(stored);
      rows.emplace(KeyOf(row), row);
    }
    return rows;
  }

  /// The hourly bins summed per day, as rollup_bin_days should hold them.
  std::map<std::string, DayBinRow> HourlyBinsByDay() {
    std::map<std::string, DayBinRow> days;
    for (const db::Row& stored : db_->Query(SelectByBucketSql<BinRow>("hour", "1 = 1"))) {
      const auto hour = FromRow<BinRow>(stored);
      const std::string day = hour.hour.substr(0, 10) + "T00:00:00.000Z";
      DayBinRow row{hour.feature, day,        hour.model_name, hour.model_version,
                    hour.bin,     hour.count, hour.sum_x,      hour.sum_x2};
      if (const auto [it, added] = days.try_emplace(KeyOf(row), row); !added) AddCounters(it->second, row);
    }
    return days;
  }

  void ExpectDayBinsEqualHourlyOnes() {
    const auto want = HourlyBinsByDay();
    const auto got = Dump<DayBinRow>();
    ASSERT_EQ(got.size(), want.size());
    for (const auto& [key, row] : want) {
      EXPECT_EQ(got.at(key).count, row.count) << key;
      EXPECT_NEAR(got.at(key).sum_x, row.sum_x, 1e-9 * std::abs(row.sum_x) + 1e-12) << key;
    }
  }

  /// (day, user) -> requests, counted from the generated records.
  std::map<std::string, std::int64_t> DirectUserDays() const {
    std::map<std::string, std::int64_t> want;
    for (const RequestRecord& r : records_) {
      want[KeyOf(UserDayRow{FormatTimestamp(BucketStart(Bucket::kDay, r.received_at)), r.user_id, 0})] += 1;
    }
    return want;
  }

  std::map<std::string, std::int64_t> StoredUserDays() {
    std::map<std::string, std::int64_t> got;
    for (const auto& [key, row] : Dump<UserDayRow>()) got[key] = row.requests;
    return got;
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
  const std::vector<RequestRecord> records_ = Generate();
};

TEST_P(DayRollupsTest, UserDaysEqualADirectCountAndDayBinsTheHourlyOnes) {
  ShipAll(41);
  EXPECT_EQ(StoredUserDays(), DirectUserDays());
  ExpectDayBinsEqualHourlyOnes();
}

TEST_P(DayRollupsTest, ReDeliveryCountsEachRecordOnce) {
  ShipAll(50);
  const auto users = StoredUserDays();
  const auto bins = Dump<DayBinRow>();
  ShipAll(50);
  ShipAll(29);
  EXPECT_EQ(StoredUserDays(), users);
  const auto again = Dump<DayBinRow>();
  ASSERT_EQ(again.size(), bins.size());
  for (const auto& [key, row] : bins) EXPECT_EQ(again.at(key).count, row.count) << key;
}

TEST_P(DayRollupsTest, TheMigrationBackfillsWhatTheShipperMaintains) {
  ShipAll(60);
  const auto users = StoredUserDays();
  const auto bins = Dump<DayBinRow>();
  // As on a database upgraded to migration 11: the tables made afresh from the stored rows.
  db_->Execute("DROP TABLE rollup_bin_days");
  db_->Execute("DROP TABLE rollup_user_days");
  const std::vector<db::Migration> migrations = db::FaceloopMigrations(db_->dialect());
  const auto daily = std::find_if(migrations.begin(), migrations.end(),
                                  [](const db::Migration& m) { return m.name == "daily rollups"; });
  ASSERT_NE(daily, migrations.end());
  db_->Transaction([&](db::IDatabase& tx) { tx.ExecuteScript(daily->sql); });
  EXPECT_EQ(StoredUserDays(), users);
  const auto backfilled = Dump<DayBinRow>();
  ASSERT_EQ(backfilled.size(), bins.size());
  for (const auto& [key, row] : bins) EXPECT_EQ(backfilled.at(key).count, row.count) << key;
}

TEST_P(DayRollupsTest, RebuildRefillsThem) {
  ShipAll(60);
  const auto users = StoredUserDays();
  EXPECT_EQ(RebuildRollups(*db_), kRecords);
  EXPECT_EQ(StoredUserDays(), users);
  ExpectDayBinsEqualHourlyOnes();
}

TEST_P(DayRollupsTest, PurgeRemovesOnlyThatUsersDays) {
  ShipAll(60);
  auto want = DirectUserDays();
  EXPECT_GT(PurgeUserRollups(*db_, "u2"), 0);
  std::erase_if(want, [](const auto& entry) { return entry.first.find("\x1fu2\x1f") != std::string::npos; });
  EXPECT_EQ(StoredUserDays(), want);
  EXPECT_EQ(db_->QueryOne("SELECT COUNT(*) FROM rollup_user_days WHERE user_id = 'u2'")->Get<std::int64_t>(0), 0);
}

TEST_P(DayRollupsTest, UserCountsOverCutDaysEqualTheRecordCounts) {
  ShipAll(60);
  requests::RequestStore store(*db_);
  // Windows cut mid-day at both ends, at one end, within one day, and on whole days.
  const std::pair<int, int> windows[] = {{5, 89}, {0, 77}, {13, 96}, {30, 40}, {24, 72}};
  for (const auto& [from_h, to_h] : windows) {
    const Time from = kStart + hours(from_h), to = kStart + hours(to_h);
    for (const Bucket bucket : {Bucket::kDay, Bucket::kWeek, Bucket::kMonth}) {
      std::map<std::string, std::pair<std::int64_t, std::int64_t>> want, got;
      for (const auto& a : store.CountUsers(from, to, BucketSql(bucket, db_->dialect(), "received_at"))) {
        want[a.bucket] = {a.unique, a.returning};
      }
      for (const auto& a : CountUsersByDay(*db_, from, to, bucket)) got[a.bucket] = {a.unique, a.returning};
      EXPECT_EQ(got, want) << from_h << ".." << to_h << " " << BucketName(bucket);
    }
  }
}

TEST_P(DayRollupsTest, BinSumsOverCutDaysEqualTheHourlySums) {
  ShipAll(60);
  const std::vector<std::string> names = {"image.brightness", std::string(kConfidenceFeature)};
  for (const auto& [from_h, to_h] : {std::pair{5, 89}, {0, 96}, {30, 40}}) {
    const Time from = kStart + hours(from_h), to = kStart + hours(to_h);
    std::map<std::pair<std::string, std::int64_t>, std::int64_t> want, got;
    for (const db::Row& row : db_->Query(
             "SELECT feature, bin, SUM(count) FROM rollup_bins WHERE feature IN (?, ?) AND hour >= ? AND hour < ? "
             "GROUP BY feature, bin",
             {names[0], names[1], FormatTimestamp(from), FormatTimestamp(to)})) {
      want[{row.Get<std::string>(0), row.Get<std::int64_t>(1)}] = row.Get<std::int64_t>(2);
    }
    for (const BinRow& row : SumBins(*db_, from, to, names)) got[{row.feature, row.bin}] += row.count;
    EXPECT_EQ(got, want) << from_h << ".." << to_h;
  }
}

TEST(SplitDaysTest, WholeDaysInsideAndTheEdgesAround) {
  const Time day = ParseTimestamp("2026-11-28T00:00:00Z");
  const DaySplit cut = SplitDays(day + hours(5), day + hours(77));
  ASSERT_TRUE(cut.days);
  EXPECT_EQ(cut.days->from, day + hours(24));
  EXPECT_EQ(cut.days->to, day + hours(72));
  ASSERT_EQ(cut.edges.size(), 2u);
  EXPECT_EQ(cut.edges[0].from, day + hours(5));
  EXPECT_EQ(cut.edges[1].to, day + hours(77));
  const DaySplit whole = SplitDays(day, day + hours(48));
  EXPECT_TRUE(whole.edges.empty());
  const DaySplit inside = SplitDays(day + hours(1), day + hours(30));
  EXPECT_FALSE(inside.days);
  ASSERT_EQ(inside.edges.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, DayRollupsTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace faceloop::insights
