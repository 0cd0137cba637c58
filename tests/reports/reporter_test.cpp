// The reports table and the Reporter on SQLite and a real PostgreSQL: a period's report is stored
// once (a second insert, and a second Produce, read the first back), its numbers come from the
// shipped records, listings page, and the e-mail claim is taken once and can be given back.
#include <gtest/gtest.h>

#include <random>

#include "common/time.hpp"
#include "events/database_sink.hpp"
#include "events/records.hpp"
#include "reports/reporter.hpp"
#include "support/migrated_database.hpp"
#include "support/scratch_postgres.hpp"
#include "support/servers.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::reports {
namespace {

using requests::RequestRecord;

const Time kDay = ParseTimestamp("2026-11-20T00:00:00Z");

/// `count` records in the day, brightness driving confidence, from two users (one on two days).
std::vector<std::string> Traffic(int count) {
  std::mt19937 random(3);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<std::string> batch;
  for (int i = 0; i < count; ++i) {
    RequestRecord r;
    r.request_id = "r" + std::to_string(100000 + i);
    r.user_id = i % 2 == 0 ? "u1" : "u2";
    r.received_at = kDay + std::chrono::minutes(10 * i + 1);
    r.model_name = "retinaface";
    r.model_version = "mnet-0.25";
    const double b = 0.3 + 0.4 * unit(random);
    const double score = 0.5 + 0.6 * b + 0.02 * unit(random);
    r.face_count = 1;
    r.confidence_max = score;
    r.confidence_mean = score;
    r.total_ms = 20 + 10 * unit(random);
    r.image = {{"width", 640}, {"height", 480}, {"format", "jpeg"}, {"brightness", b}, {"contrast", unit(random)}};
    r.faces.push_back({{"confidence", score}});
    batch.push_back(events::ToSpoolRecord(r));
  }
  return batch;
}

class ReporterTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    for (const char* user : {"u1", "u2"}) {  // the shipper drops records of users that do not exist
      db_->Execute(
          "INSERT INTO users (id, email, role, created_at) VALUES (?, ?, 'user', ?)",
          {std::string(user), std::string(user) + "@example.com", FormatTimestamp(kDay - std::chrono::days(30))});
    }
    EXPECT_EQ(events::DeliverToDatabase(*db_, Traffic(120)), 0u);
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
};

TEST_P(ReporterTest, ProducesEachPeriodOnceWithItsNumbers) {
  Reporter reporter(*db_, nullptr, {});
  const PeriodWindow window = PeriodOf(Period::kDay, ParseLocalDate("2026-11-20"), reporter.zone());
  const Time now = kDay + std::chrono::days(1) + std::chrono::minutes(5);
  const Produced first = reporter.Produce(window, true, now);
  EXPECT_TRUE(first.created);
  EXPECT_EQ(first.sent, 0u);  // no mailer
  EXPECT_EQ(first.stored.id, "day-20261120T0000Z");
  const Report& r = first.stored.report;
  EXPECT_EQ(r.all.requests, 120);
  EXPECT_EQ(r.users.unique, 2);
  EXPECT_EQ(r.series.size(), 24u);  // the hours of a daily report
  ASSERT_EQ(r.models.size(), 1u);
  EXPECT_EQ(r.models[0].model_version, "mnet-0.25");
  ASSERT_FALSE(r.correlations.empty());
  EXPECT_EQ(r.correlations[0].field, "image.brightness");
  EXPECT_NE(r.correlations[0].sentence.find("dark images"), std::string::npos);

  const Produced second = reporter.Produce(window, true, now + std::chrono::hours(1));
  EXPECT_FALSE(second.created);
  EXPECT_EQ(second.stored.created_at, first.stored.created_at);
  EXPECT_EQ(db_->QueryOne("SELECT COUNT(*) FROM reports")->Get<std::int64_t>(0), 1);
}

TEST_P(ReporterTest, InsertOnceKeepsTheFirstAndListsPage) {
  ReportStore store(*db_);
  const TimeZone utc = TimeZone::Load("UTC");
  for (int d = 0; d < 3; ++d) {
    const PeriodWindow w = PeriodAt(Period::kDay, kDay + std::chrono::days(d), utc);
    StoredReport row{ReportId("day", w.start), "day", w.start, w.end, "UTC", kDay, std::nullopt, {}};
    row.report.period = "day";
    bool inserted = false;
    store.InsertOnce(row, &inserted);
    EXPECT_TRUE(inserted);
    row.report.time_zone = "changed";
    const StoredReport again = store.InsertOnce(row, &inserted);
    EXPECT_FALSE(inserted);
    EXPECT_EQ(again.report.time_zone, "");  // the first one's
  }
  const auto page = store.List({std::nullopt, std::nullopt, 2});
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, "day-20261122T0000Z");
  const auto rest = store.List({std::string("day"), page.back().id, 2});
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].id, "day-20261120T0000Z");
  EXPECT_TRUE(store.List({std::string("week"), std::nullopt, 10}).empty());

  EXPECT_TRUE(store.ClaimSend(rest[0].id, kDay));
  EXPECT_FALSE(store.ClaimSend(rest[0].id, kDay));
  store.ReleaseSend(rest[0].id);
  EXPECT_TRUE(store.ClaimSend(rest[0].id, kDay));
  EXPECT_TRUE(store.Find(rest[0].id)->sent_at.has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, ReporterTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace faceloop::reports
