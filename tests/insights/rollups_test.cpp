// The hourly rollups as the database shipper maintains them, on SQLite and a real PostgreSQL:
// equal to a direct computation over a few hundred generated records, unchanged by re-delivery,
// and summed into the summary; the SQL bucket expressions agree with the C++ ones.
#include "insights/rollups.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <set>

#include "common/time.hpp"
#include "db/migrations.hpp"
#include "db/postgres_database.hpp"
#include "db/sqlite_database.hpp"
#include "events/database_sink.hpp"
#include "events/records.hpp"
#include "insights/rollup_sql.hpp"
#include "insights/summary.hpp"
#include "requests/store.hpp"
#include "support/migrated_database.hpp"
#include "support/scratch_postgres.hpp"
#include "support/servers.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::insights {
namespace {

using requests::RequestRecord;

constexpr int kRecords = 400;
constexpr int kUsers = 8;
// Sunday 2026-11-29 to Wednesday: crosses a week's and a month's end.
const Time kStart = ParseTimestamp("2026-11-29T00:00:00Z");

/// Deterministic traffic: two models, one failure in ten, 0..4 faces, the last user asks once.
std::vector<RequestRecord> Generate() {
  std::mt19937 random(11);
  std::uniform_int_distribution<int> minute(0, 72 * 60 - 1), ms(0, 59999), faces(0, 4), user(0, kUsers - 2);
  std::uniform_real_distribution<double> unit(0, 1);
  std::lognormal_distribution<double> latency(std::log(30.0), 0.7);
  std::vector<RequestRecord> records;
  for (int i = 0; i < kRecords; ++i) {
    RequestRecord r;
    r.request_id = "r" + std::to_string(10000 + i);
    r.user_id = "u" + std::to_string(i == 0 ? kUsers - 1 : user(random));
    r.received_at = kStart + std::chrono::minutes(minute(random)) + std::chrono::milliseconds(ms(random));
    r.model_name = i % 3 == 0 ? "blazeface" : "retinaface";
    if (i % 10 == 9) {
      r.status = i % 20 == 9 ? 415 : 413;
      r.error_type = r.status == 415 ? "unsupported-media-type" : "payload-too-large";
      records.push_back(r);
      continue;
    }
    r.model_version = r.model_name == "blazeface" ? "1.0" : "mnet-0.25";
    r.face_count = faces(random);
    r.total_ms = latency(random);
    r.decode_ms = *r.total_ms / 4;
    r.image = {{"width", 640}, {"height", 480}, {"format", "jpeg"}, {"brightness", unit(random)}};
    r.faces = nlohmann::json::array();
    for (int f = 0; f < *r.face_count; ++f) {
      const double score = std::round((0.5 + unit(random) / 2) * 10000) / 10000;
      r.faces.push_back({{"confidence", score}, {"box", {{"height", 10 + 200 * unit(random)}}}});
      r.confidence_max = std::max(r.confidence_max.value_or(0), score);
    }
    records.push_back(r);
  }
  return records;
}

std::vector<std::string> Spooled(const std::vector<RequestRecord>& records, std::size_t from, std::size_t to) {
  std::vector<std::string> batch;
  for (std::size_t i = from; i < std::min(to, records.size()); ++i) batch.push_back(events::ToSpoolRecord(records[i]));
  return batch;
}

class RollupsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    for (int u = 0; u < kUsers; ++u) {  // the shipper drops records of users that do not exist
      db_->Execute("INSERT INTO users (id, email, role, created_at) VALUES (?, ?, 'user', ?)",
                   {"u" + std::to_string(u), "u" + std::to_string(u) + "@example.com",
                    FormatTimestamp(kStart + std::chrono::hours(20 * u))});
    }
  }

  void ShipAll(std::size_t batch_size) {
    for (std::size_t at = 0; at < records_.size(); at += batch_size) {
      EXPECT_EQ(events::DeliverToDatabase(*db_, Spooled(records_, at, at + batch_size)), 0u);
    }
  }

  /// Every row of a rollup table, by key.
  template <typename Row>
  std::map<std::string, Row> Dump() {
    std::map<std::string, Row> rows;
    const std::string sql = SelectByBucketSql<Row>("hour", "1 = 1");
    for (const db::Row& stored : db_->Query(sql)) {
      const auto row = FromRow<Row>(stored);
      rows.emplace(KeyOf(row), row);
    }
    return rows;
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
  const std::vector<RequestRecord> records_ = Generate();
};

TEST_P(RollupsTest, HoursEqualADirectCountOverTheRequestsTable) {
  ShipAll(37);
  std::map<std::string, HourRow> direct;
  for (const db::Row& row : db_->Query(
           "SELECT substr(received_at, 1, 13), model_name, COALESCE(model_version, ''), COUNT(*), "
           "SUM(CASE WHEN status <> 200 THEN 1 ELSE 0 END), SUM(CASE WHEN status = 200 THEN face_count ELSE 0 END), "
           "SUM(CASE WHEN status = 200 AND face_count = 0 THEN 1 ELSE 0 END) FROM requests "
           "GROUP BY substr(received_at, 1, 13), model_name, COALESCE(model_version, '')")) {
    HourRow hour{row.Get<std::string>(0) + ":00:00.000Z",
                 row.Get<std::string>(1),
                 row.Get<std::string>(2),
                 row.Get<std::int64_t>(3),
                 row.Get<std::int64_t>(4),
                 row.Get<std::optional<std::int64_t>>(5).value_or(0),
                 row.Get<std::optional<std::int64_t>>(6).value_or(0)};
    direct.emplace(KeyOf(hour), hour);
  }
  const auto rolled = Dump<HourRow>();
  ASSERT_EQ(rolled.size(), direct.size());
  std::int64_t requests = 0;
  for (const auto& [key, want] : direct) {
    const HourRow& got = rolled.at(key);
    EXPECT_EQ(got.requests, want.requests) << key;
    EXPECT_EQ(got.errors, want.errors) << key;
    EXPECT_EQ(got.faces, want.faces) << key;
    EXPECT_EQ(got.no_face, want.no_face) << key;
    requests += got.requests;
  }
  EXPECT_EQ(requests, kRecords);
}

TEST_P(RollupsTest, BinsAndErrorsEqualADirectComputation) {
  ShipAll(50);
  std::map<std::string, BinRow> bins;
  std::map<std::string, ErrorRow> errors;
  std::vector<double> values;
  for (const RequestRecord& r : records_) {
    const std::string hour = FormatTimestamp(FloorHour(r.received_at));
    const std::string version = r.model_version.value_or("");
    if (r.error_type) {
      ErrorRow row{hour, r.model_name, version, *r.error_type, 1};
      if (const auto [it, added] = errors.try_emplace(KeyOf(row), row); !added) it->second.count += 1;
    }
    for (const Feature& feature : Features()) {
      values.clear();
      feature.read(r, values);
      for (const double v : values) {
        BinRow row{std::string(feature.name),
                   hour,
                   r.model_name,
                   version,
                   static_cast<std::int64_t>(BinOf(feature, v)),
                   1,
                   v,
                   v * v};
        if (const auto [it, added] = bins.try_emplace(KeyOf(row), row); !added) AddCounters(it->second, row);
      }
    }
  }
  const auto rolled_bins = Dump<BinRow>();
  ASSERT_EQ(rolled_bins.size(), bins.size());
  for (const auto& [key, want] : bins) {
    const BinRow& got = rolled_bins.at(key);
    EXPECT_EQ(got.count, want.count) << key;
    EXPECT_NEAR(got.sum_x, want.sum_x, 1e-9 * std::abs(want.sum_x)) << key;
    EXPECT_NEAR(got.sum_x2, want.sum_x2, 1e-9 * std::abs(want.sum_x2)) << key;
  }
  const auto rolled_errors = Dump<ErrorRow>();
  ASSERT_EQ(rolled_errors.size(), errors.size());
  for (const auto& [key, want] : errors) EXPECT_EQ(rolled_errors.at(key).count, want.count) << key;
}

TEST_P(RollupsTest, ReDeliveryCountsEachRecordOnce) {
  ShipAll(50);
  const auto hours = Dump<HourRow>();
  const auto bins = Dump<BinRow>();
  ShipAll(50);  // the whole stream again, as after a crash before the cursor moved
  ShipAll(33);  // and in batches that straddle the first ones
  std::vector<std::string> twice = Spooled(records_, 5, 8);  // the same records twice in one batch
  for (const std::string& record : Spooled(records_, 5, 8)) twice.push_back(record);
  EXPECT_EQ(events::DeliverToDatabase(*db_, twice), 0u);
  const auto again = Dump<HourRow>();
  ASSERT_EQ(again.size(), hours.size());
  for (const auto& [key, row] : hours) EXPECT_EQ(again.at(key).requests, row.requests) << key;
  const auto bins_again = Dump<BinRow>();
  ASSERT_EQ(bins_again.size(), bins.size());
  for (const auto& [key, row] : bins) EXPECT_EQ(bins_again.at(key).count, row.count) << key;
}

TEST_P(RollupsTest, RebuildRecountsFromTheStoredRecords) {
  ShipAll(50);
  const auto hours = Dump<HourRow>();
  const auto bins = Dump<BinRow>();
  // Records stored without rollups (before migration 5), and a damaged rollup row.
  db_->Transaction([](db::IDatabase& tx) {
    RequestRecord old;
    old.request_id = "r00001";
    old.user_id = "u1";
    old.received_at = kStart;
    old.model_name = "retinaface";
    old.face_count = 0;
    requests::RequestStore::Insert(tx, old);
  });
  db_->Execute("UPDATE rollup_bins SET count = count + 5");
  EXPECT_EQ(RebuildRollups(*db_), kRecords + 1);
  const auto rebuilt = Dump<HourRow>();
  const std::string first_hour = FormatTimestamp(kStart);
  for (const auto& [key, row] : rebuilt) {
    const bool with_old = row.hour == first_hour && row.model_name == "retinaface" && row.model_version.empty();
    const std::int64_t before = hours.count(key) ? hours.at(key).requests : 0;
    EXPECT_EQ(row.requests, before + (with_old ? 1 : 0)) << key;
  }
  const auto bins_rebuilt = Dump<BinRow>();
  for (const auto& [key, row] : bins) {
    // The old record adds a face_count bin only; every other bin is back to its count.
    if (row.feature != "face_count") {
      EXPECT_EQ(bins_rebuilt.at(key).count, row.count) << key;
    }
  }
}

TEST_P(RollupsTest, SummaryOfTheWindowMatchesTheRecords) {
  ShipAll(64);
  const SummaryQuery query{kStart, kStart + std::chrono::hours(72), Bucket::kDay};
  const Summary summary = Summarize(*db_, query);
  ASSERT_EQ(summary.buckets.size(), 3u);
  std::int64_t errors = 0, faces = 0, per_day = 0;
  std::map<std::string, std::set<std::string>> days_of;  // user -> active days
  std::map<std::string, int> requests_of;
  std::vector<double> latencies;
  for (const RequestRecord& r : records_) {
    errors += r.status != 200;
    faces += r.status == 200 ? r.face_count.value_or(0) : 0;
    days_of[r.user_id].insert(FormatTimestamp(r.received_at).substr(0, 10));
    requests_of[r.user_id] += 1;
    if (r.total_ms) latencies.push_back(*r.total_ms);
  }
  int returning = 0;
  for (const auto& [user, days] : days_of) returning += requests_of[user] > 1 && days.size() > 1;
  const BucketSummary& total = summary.total;
  EXPECT_EQ(total.all.requests, kRecords);
  EXPECT_EQ(total.all.errors, errors);
  EXPECT_EQ(total.all.faces, faces);
  EXPECT_EQ(total.all.errors_by_type.at("unsupported-media-type") + total.all.errors_by_type.at("payload-too-large"),
            errors);
  EXPECT_EQ(total.users.unique, static_cast<std::int64_t>(days_of.size()));
  EXPECT_EQ(total.users.returning, returning);
  EXPECT_EQ(total.users.created, 4);   // u0..u3 signed up within the 72 hours (every 20 hours)
  EXPECT_EQ(total.models.size(), 4u);  // two models, each with a version and without (failures)
  for (const BucketSummary& day : summary.buckets) per_day += day.all.requests;
  EXPECT_EQ(per_day, kRecords);
  std::sort(latencies.begin(), latencies.end());
  const double exact = latencies[latencies.size() / 2 - 1];
  const Feature& latency = *FindFeature(kLatencyFeature);
  const std::size_t bin = BinOf(latency, exact);
  EXPECT_NEAR(*total.all.latency.Percentile(50), exact, latency.edges[bin + 1] - latency.edges[bin]);
  const nlohmann::json json = ToJson(summary);
  EXPECT_EQ(json["buckets"].size(), 3u);
  EXPECT_EQ(json["total"]["requests"], kRecords);
  EXPECT_EQ(json["buckets"][0]["start"], "2026-11-29T00:00:00.000Z");
  EXPECT_FALSE(ToTable(summary).empty());
}

TEST_P(RollupsTest, SqlBucketsAgreeWithTheirCppKeys) {
  ShipAll(100);
  for (const Bucket bucket : {Bucket::kHour, Bucket::kDay, Bucket::kWeek, Bucket::kMonth}) {
    const std::string sql = "SELECT id, " + BucketSql(bucket, db_->dialect(), "received_at") + " FROM requests";
    std::map<std::string, std::string> keys;
    for (const db::Row& row : db_->Query(sql)) keys[row.Get<std::string>(0)] = row.Get<std::string>(1);
    ASSERT_EQ(keys.size(), records_.size());
    for (const RequestRecord& r : records_) {
      EXPECT_EQ(keys.at(r.request_id), BucketKey(bucket, r.received_at))
          << BucketName(bucket) << " " << FormatTimestamp(r.received_at);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, RollupsTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace faceloop::insights
