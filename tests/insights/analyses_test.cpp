// Correlations and outliers on SQLite and a real PostgreSQL, over records shipped as the service
// ships them (so the rollups that give the outliers' reference are the real ones): generated
// traffic where the image's brightness drives the confidence, a reference week before the window,
// and planted outliers. The database's Pearson and Spearman equal a direct computation, and
// neither query returns more than a handful of rows (nothing is loaded record by record).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "common/time.hpp"
#include "db/migrations.hpp"
#include "db/postgres_database.hpp"
#include "db/sqlite_database.hpp"
#include "events/database_sink.hpp"
#include "events/records.hpp"
#include "insights/correlations.hpp"
#include "insights/outliers.hpp"
#include "requests/sample.hpp"
#include "support/migrated_database.hpp"
#include "support/scratch_postgres.hpp"
#include "support/servers.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::insights {
namespace {

using requests::RequestRecord;

const Time kWindow = ParseTimestamp("2026-11-20T00:00:00Z");  // one day; the reference is the week before
constexpr int kReference = 600;
constexpr int kInWindow = 300;

/// Counts the rows every query returns: the analyses must aggregate in the database.
class CountingDatabase final : public db::IDatabase {
 public:
  explicit CountingDatabase(db::IDatabase& inner) : inner_(inner) {}
  db::Dialect dialect() const override { return inner_.dialect(); }
  std::size_t rows = 0;
  std::size_t queries = 0;

 protected:
  std::int64_t DoExecute(std::string_view sql, const db::Params& params) override {
    return inner_.Execute(sql, params);
  }
  std::vector<db::Row> DoQuery(std::string_view sql, const db::Params& params) override {
    auto result = inner_.Query(sql, params);
    rows += result.size();
    ++queries;
    return result;
  }
  void DoExecuteScript(std::string_view sql) override { inner_.ExecuteScript(sql); }
  void DoTransaction(const std::function<void(db::IDatabase&)>& body) override { inner_.Transaction(body); }

 private:
  db::IDatabase& inner_;
};

RequestRecord Normal(std::mt19937& random, int i, Time at) {
  std::normal_distribution<double> brightness(0.5, 0.05), noise(0, 0.02);
  std::uniform_real_distribution<double> unit(0, 1);
  std::lognormal_distribution<double> latency(std::log(30.0), 0.2);
  RequestRecord r;
  r.request_id = "r" + std::to_string(100000 + i);
  r.user_id = "u1";
  r.received_at = at;
  r.model_name = "retinaface";
  r.model_version = "mnet-0.25";
  const double b = std::clamp(brightness(random), 0.3, 0.7);
  const double score = std::clamp(0.6 + 0.6 * b + noise(random), 0.5, 0.999);
  r.face_count = 1 + i % 3;
  r.confidence_max = score;
  r.confidence_mean = score - 0.01;
  r.total_ms = latency(random);
  r.image_key = "inputs/2026/11/20/" + r.request_id + ".jpg";
  r.image = {{"width", 640}, {"height", 480}, {"format", "jpeg"}, {"brightness", b}, {"contrast", unit(random)}};
  for (int f = 0; f < *r.face_count; ++f) r.faces.push_back({{"confidence", f == 0 ? score : score - 0.02}});
  return r;
}

struct Traffic {
  std::vector<RequestRecord> records;
  std::string too_bright, too_slow, no_face, unsure;  // the planted outliers' ids
};

Traffic Generate() {
  std::mt19937 random(7);
  Traffic t;
  for (int i = 0; i < kReference; ++i) {
    t.records.push_back(Normal(random, i, kWindow - std::chrono::minutes(10 + 16 * i)));
  }
  for (int i = 0; i < kInWindow; ++i) {
    t.records.push_back(Normal(random, kReference + i, kWindow + std::chrono::minutes(4 * i + 1)));
  }
  auto plant = [&t](std::size_t at, std::string& id) -> RequestRecord& {
    id = t.records[at].request_id;
    return t.records[at];
  };
  plant(kReference + 10, t.too_bright).image["brightness"] = 0.97;
  plant(kReference + 20, t.too_slow).total_ms = 5000;
  RequestRecord& empty = plant(kReference + 30, t.no_face);
  empty.face_count = 0;
  empty.confidence_max.reset();
  empty.confidence_mean.reset();
  empty.faces = nlohmann::json::array();
  RequestRecord& unsure = plant(kReference + 40, t.unsure);
  unsure.confidence_max = 0.31;
  unsure.faces[0]["confidence"] = 0.31;
  return t;
}

/// Pearson's r of `x` against `y`, or of their average ranks: the reference computation.
double DirectR(std::vector<double> x, std::vector<double> y, bool ranks) {
  auto rank = [](const std::vector<double>& v) {
    std::vector<double> out(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      const double below = static_cast<double>(std::count_if(v.begin(), v.end(), [&](double w) { return w < v[i]; }));
      const double equal = static_cast<double>(std::count(v.begin(), v.end(), v[i]));
      out[i] = below + (equal + 1) / 2;
    }
    return out;
  };
  if (ranks) {
    x = rank(x);
    y = rank(y);
  }
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n, my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

class AnalysesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    db_->Execute("INSERT INTO users (id, email, role, created_at) VALUES ('u1', 'u1@example.com', 'user', ?)",
                 {FormatTimestamp(kWindow - std::chrono::days(30))});
    std::vector<std::string> batch;
    for (const RequestRecord& r : traffic_.records) batch.push_back(events::ToSpoolRecord(r));
    EXPECT_EQ(events::DeliverToDatabase(*db_, batch), 0u);
  }

  SummaryQuery Window() const { return {kWindow, kWindow + std::chrono::days(1), Bucket::kDay}; }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
  const Traffic traffic_ = Generate();
};

TEST_P(AnalysesTest, BrightnessGoesWithConfidenceAsComputedDirectly) {
  CountingDatabase counting(*db_);
  const Correlations result = Correlate(counting, Window());
  EXPECT_EQ(result.pairs.size(), CorrelationFields().size() * CorrelationTargets().size());
  EXPECT_LE(counting.rows, 10 * result.pairs.size());  // ten deciles of sums per pair, no records
  std::vector<double> x, y;
  for (std::size_t i = kReference; i < traffic_.records.size(); ++i) {
    const RequestRecord& r = traffic_.records[i];
    if (!r.confidence_max) continue;
    x.push_back(r.image["brightness"].get<double>());
    y.push_back(*r.confidence_max);
  }
  const auto pair = std::find_if(result.pairs.begin(), result.pairs.end(), [](const FieldCorrelation& p) {
    return p.field == "image.brightness" && p.target == "confidence_max";
  });
  ASSERT_NE(pair, result.pairs.end());
  EXPECT_EQ(pair->n, static_cast<std::int64_t>(x.size()));
  ASSERT_TRUE(pair->pearson && pair->spearman);
  EXPECT_NEAR(pair->pearson->r, DirectR(x, y, false), 1e-9);
  EXPECT_NEAR(pair->spearman->r, DirectR(x, y, true), 1e-9);
  EXPECT_GT(pair->pearson->r, 0.5);
  EXPECT_LT(pair->pearson->p, 1e-6);
  EXPECT_GT(pair->pearson->low, 0);
  ASSERT_EQ(pair->deciles.size(), 10u);
  std::int64_t counted = 0;
  for (const Decile& d : pair->deciles) counted += d.count;
  EXPECT_EQ(counted, pair->n);
  EXPECT_LT(pair->deciles.front().x_max, pair->deciles.back().x_min);
  EXPECT_LT(pair->deciles.front().mean, pair->deciles.back().mean);  // confidence rises with brightness
  const nlohmann::json json = ToJson(result);
  EXPECT_EQ(json["correlations"].size(), result.pairs.size());
  EXPECT_EQ(json["correlations"][0]["deciles"].size(), result.pairs[0].deciles.size());
  EXPECT_NE(ToTable(result).find("image.brightness"), std::string::npos);
  // Width never varies: no correlation, not a division by zero, and one decile (no curve).
  for (const FieldCorrelation& p : result.pairs) {
    if (p.field != "image.width") continue;
    EXPECT_FALSE(p.pearson) << p.target;
    ASSERT_EQ(p.deciles.size(), 1u) << p.target;
    EXPECT_EQ(p.deciles[0].count, p.n);
  }
}

TEST_P(AnalysesTest, OverTheCapASampleOfTheWindowAsComputedDirectlyOnIt) {
  // Under the cap every request is read (the test above); over it, a uniform sample: exactly the
  // records of the plan's buckets, the same every time, with n, r and rho computed on them.
  const Correlations exact = Correlate(*db_, Window());
  EXPECT_TRUE(exact.sample.exact);
  EXPECT_EQ(exact.sample.records, kInWindow);
  EXPECT_EQ(exact.sample.window_records, kInWindow);
  const Correlations sampled = Correlate(*db_, Window(), 100);
  EXPECT_FALSE(sampled.sample.exact);
  EXPECT_EQ(sampled.sample.window_records, kInWindow);
  const requests::SamplePlan plan = requests::PlanSample(kInWindow, 100);
  EXPECT_NEAR(sampled.sample.fraction, plan.fraction(), 1e-12);
  std::vector<double> x, y;
  std::int64_t records = 0;
  for (std::size_t i = kReference; i < traffic_.records.size(); ++i) {
    const RequestRecord& r = traffic_.records[i];
    if (requests::SampleKey(r.request_id) >= plan.buckets) continue;
    ++records;
    if (!r.confidence_max) continue;
    x.push_back(r.image["brightness"].get<double>());
    y.push_back(*r.confidence_max);
  }
  EXPECT_EQ(sampled.sample.records, records);
  EXPECT_NEAR(static_cast<double>(records), 100, 40);
  const auto pair = std::find_if(sampled.pairs.begin(), sampled.pairs.end(), [](const FieldCorrelation& p) {
    return p.field == "image.brightness" && p.target == "confidence_max";
  });
  ASSERT_NE(pair, sampled.pairs.end());
  EXPECT_EQ(pair->n, static_cast<std::int64_t>(x.size()));
  ASSERT_TRUE(pair->pearson && pair->spearman);
  EXPECT_NEAR(pair->pearson->r, DirectR(x, y, false), 1e-9);
  EXPECT_NEAR(pair->spearman->r, DirectR(x, y, true), 1e-9);
  EXPECT_EQ(ToJson(Correlate(*db_, Window(), 100)), ToJson(sampled));  // deterministic
  EXPECT_EQ(ToJson(sampled)["sample"]["exact"], false);
}

TEST_P(AnalysesTest, PlantedOutliersAreFoundWithTheirReasons) {
  CountingDatabase counting(*db_);
  OutlierQuery query;
  query.from = kWindow;
  query.to = kWindow + std::chrono::days(1);
  query.reference_from = kWindow - std::chrono::days(7);
  query.limit = 50;
  const Outliers result = FindOutliers(counting, query);
  EXPECT_GE(result.reference.successes, kReference);
  ASSERT_TRUE(result.reference.latency_p99 && result.reference.low_confidence);
  EXPECT_TRUE(result.reference.no_face_unusual);  // every reference image had a face
  auto reasons_of = [&result](const std::string& id) {
    std::vector<std::string> kinds;
    for (const Outlier& o : result.outliers) {
      if (o.record.request_id != id) continue;
      for (const OutlierReason& reason : o.reasons) kinds.push_back(reason.kind + ":" + reason.feature);
    }
    return kinds;
  };
  auto has = [&reasons_of](const std::string& id, const std::string& reason) {
    const auto kinds = reasons_of(id);
    return std::find(kinds.begin(), kinds.end(), reason) != kinds.end();
  };
  EXPECT_TRUE(has(traffic_.too_bright, "metadata:image.brightness"));
  EXPECT_TRUE(has(traffic_.too_slow, "slow:total_ms"));
  EXPECT_TRUE(has(traffic_.no_face, "no_face:face_count"));
  EXPECT_TRUE(has(traffic_.unsure, "low_confidence:confidence_max"));
  // Ordered by score; each with its reasons and its record; the brightest planted one first.
  ASSERT_FALSE(result.outliers.empty());
  EXPECT_EQ(result.outliers.front().record.request_id, traffic_.too_slow);  // 5000 ms is ~50 times p99
  for (std::size_t i = 1; i < result.outliers.size(); ++i) {
    EXPECT_GE(result.outliers[i - 1].score, result.outliers[i].score);
    EXPECT_FALSE(result.outliers[i].reasons.empty());
  }
  // The p99 and 1 % cuts flag about 1 % of ordinary requests each: a few, not most.
  EXPECT_LT(result.outliers.size(), 20u);
  EXPECT_LE(counting.rows, 1 + result.reference.metadata.size() * 50 + 2 * 200 + 2 * result.outliers.size());
  const nlohmann::json json = ToJson(result);
  EXPECT_EQ(json["outliers"][0]["image_url"], "/v1/requests/" + traffic_.too_slow + "/image");
  const std::string table = ToTable(result);
  EXPECT_NE(table.find(traffic_.no_face), std::string::npos) << table;
  EXPECT_NE(table.find("image.brightness=0.97 (z "), std::string::npos) << table;

  query.limit = 2;
  EXPECT_EQ(FindOutliers(*db_, query).outliers.size(), 2u);
  EXPECT_TRUE(result.sample.exact);
  EXPECT_EQ(json["sample"]["window_records"], kInWindow);
  // Over the cap only the sample is scored: every outlier found is in it.
  query.limit = 50;
  const Outliers sampled = FindOutliers(*db_, query, 100);
  EXPECT_FALSE(sampled.sample.exact);
  const requests::SamplePlan plan = requests::PlanSample(kInWindow, 100);
  for (const Outlier& o : sampled.outliers) EXPECT_LT(requests::SampleKey(o.record.request_id), plan.buckets);
}

TEST_P(AnalysesTest, NoReferenceMeansNothingIsUnusual) {
  OutlierQuery query;
  query.from = kWindow - std::chrono::days(60);
  query.to = kWindow - std::chrono::days(59);
  query.reference_from = kWindow - std::chrono::days(67);
  const Outliers result = FindOutliers(*db_, query);
  EXPECT_TRUE(result.outliers.empty());
  EXPECT_FALSE(result.reference.latency_p99);
}

INSTANTIATE_TEST_SUITE_P(Databases, AnalysesTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace faceloop::insights
