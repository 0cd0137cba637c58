// Drift and the feedback insight on SQLite and a real PostgreSQL, over generated records shipped
// through the real rollup path (events::DeliverToDatabase): a shifted feature gives `drift`, the
// unchanged ones `stable`, a rare one `insufficient_data`; feedback is counted per model version.
#include "insights/drift.hpp"

#include <gtest/gtest.h>

#include "common/time.hpp"
#include "db/migrations.hpp"
#include "db/postgres_database.hpp"
#include "db/sqlite_database.hpp"
#include "events/database_sink.hpp"
#include "events/records.hpp"
#include "feedback/store.hpp"
#include "insights/feedback_summary.hpp"
#include "support/migrated_database.hpp"
#include "support/scratch_postgres.hpp"
#include "support/servers.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::insights {
namespace {

using requests::RequestRecord;
using std::chrono::hours;
using std::chrono::minutes;

const Time kCurrentStart = ParseTimestamp("2026-11-20T00:00:00Z");
const HourWindow kReference{kCurrentStart - std::chrono::days(7), kCurrentStart};
const HourWindow kCurrent{kCurrentStart, kCurrentStart + hours(24)};

/// The i-th record of a window: four repeating values per feature, so both windows hold exactly
/// the same shares except for image.brightness, moved up by 0.2 in the current window (`shifted`).
RequestRecord Make(const std::string& id, Time at, int i, bool shifted) {
  RequestRecord r;
  r.request_id = id;
  r.user_id = "u0";
  r.received_at = at;
  r.model_name = "retinaface";
  r.model_version = i % 2 == 0 ? "v1" : "v2";
  r.face_count = 1;
  r.total_ms = 20 + 10 * (i % 4);
  r.confidence_max = 0.9 + 0.02 * (i % 4);
  r.image = {{"width", 640},
             {"height", 480},
             {"format", "jpeg"},
             {"contrast", 0.2 + 0.05 * (i % 4)},
             {"brightness", (shifted ? 0.5 : 0.3) + 0.05 * (i % 4)}};
  if (shifted && i < 20) r.image["sharpness"] = 100.0;  // too few for a verdict
  r.faces = nlohmann::json::array({{{"confidence", *r.confidence_max}, {"box", {{"height", 40 + 4 * (i % 4)}}}}});
  return r;
}

std::vector<RequestRecord> Generate() {
  std::vector<RequestRecord> records;
  for (int i = 0; i < 400; ++i) {  // spread over the reference week
    records.push_back(Make("a" + std::to_string(1000 + i), kReference.from + minutes(25 * i), i, false));
  }
  for (int i = 0; i < 200; ++i) {  // spread over the current day
    records.push_back(Make("b" + std::to_string(1000 + i), kCurrent.from + minutes(7 * i), i, true));
  }
  // After both windows: must not count.
  records.push_back(Make("c1000", kCurrent.to + hours(1), 0, true));
  return records;
}

class DriftTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    db_->Execute("INSERT INTO users (id, email, role, created_at) VALUES ('u0', 'u0@example.com', 'user', ?)",
                 {FormatTimestamp(kReference.from)});
    std::vector<std::string> batch;
    for (const RequestRecord& r : records_) batch.push_back(events::ToSpoolRecord(r));
    EXPECT_EQ(events::DeliverToDatabase(*db_, batch), 0u);
  }

  DriftReport Drift(std::vector<std::string> features, std::optional<std::string> model_version = std::nullopt) {
    const auto range = [](const HourWindow& w) { return FormatTimestamp(w.from) + ".." + FormatTimestamp(w.to); };
    const DriftQuery query =
        ParseDriftQuery({std::move(features), range(kReference), range(kCurrent), std::move(model_version)}, 366,
                        std::chrono::system_clock::now());
    return ComputeDrift(*db_, query, DriftThresholds{});
  }

  static const FeatureDrift& Of(const DriftReport& report, std::string_view name) {
    for (const FeatureDrift& drift : report.features) {
      if (drift.feature->name == name) return drift;
    }
    throw std::runtime_error("no feature " + std::string(name));
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
  const std::vector<RequestRecord> records_ = Generate();
};

TEST_P(DriftTest, TheShiftedFeatureDriftsAndTheOthersAreStable) {
  const DriftReport report = Drift({});
  ASSERT_EQ(report.features.size(), Features().size());  // no feature given: all of them
  const FeatureDrift& brightness = Of(report, "image.brightness");
  EXPECT_EQ(brightness.stats.verdict, Verdict::kDrift);
  EXPECT_EQ(brightness.reference.count, 400);
  EXPECT_EQ(brightness.current.count, 200);
  EXPECT_DOUBLE_EQ(*brightness.stats.ks, 1.0);                                 // no bin in common
  EXPECT_NEAR(*brightness.stats.mean_shift, 0.2 / std::sqrt(0.003125), 1e-6);  // sd of {0.3..0.45}
  for (const std::string_view name : {"image.contrast", "image.width", "total_ms", "faces.confidence",
                                      "faces.box.height", "face_count", "confidence_max"}) {
    const FeatureDrift& stable = Of(report, name);
    EXPECT_EQ(stable.stats.verdict, Verdict::kStable) << name;
    EXPECT_NEAR(stable.stats.psi.value_or(-1), 0.0, 1e-12) << name;
    EXPECT_EQ(stable.current.count, 200) << name;
  }
  EXPECT_FALSE(Of(report, "image.width").stats.mean_shift.has_value());  // constant: no scale
  const FeatureDrift& sharpness = Of(report, "image.sharpness");
  EXPECT_EQ(sharpness.stats.verdict, Verdict::kInsufficientData);
  EXPECT_EQ(sharpness.reference.count, 0);
  EXPECT_EQ(sharpness.current.count, 20);
  EXPECT_EQ(Of(report, "image.exif_orientation").stats.verdict, Verdict::kInsufficientData);  // never recorded

  const nlohmann::json json = ToJson(report);
  EXPECT_EQ(json["thresholds"]["psi_alert"], 0.25);
  EXPECT_EQ(json["thresholds"]["min_sample"], 100);
  EXPECT_EQ(json["current"]["from"], "2026-11-20T00:00:00.000Z");
  EXPECT_FALSE(ToTable(report).empty());
}

TEST_P(DriftTest, OneModelVersionAndChosenFeatures) {
  const DriftReport report = Drift({"total_ms,image.brightness"}, "v2");
  ASSERT_EQ(report.features.size(), 2u);
  EXPECT_EQ(report.features[0].feature->name, "total_ms");  // the table's order
  EXPECT_EQ(report.features[0].reference.count, 200);
  EXPECT_EQ(report.features[0].current.count, 100);
  EXPECT_EQ(report.features[0].stats.verdict, Verdict::kStable);
  EXPECT_EQ(report.features[1].stats.verdict, Verdict::kDrift);
  EXPECT_EQ(Drift({"total_ms"}, "v9").features[0].stats.verdict, Verdict::kInsufficientData);
}

TEST_P(DriftTest, FeedbackSharesPerModelVersion) {
  feedback::FeedbackStore store(*db_);
  const feedback::Verdict verdicts[] = {feedback::Verdict::kCorrect, feedback::Verdict::kCorrect,
                                        feedback::Verdict::kIncorrect, feedback::Verdict::kPartlyCorrect};
  for (int i = 0; i < 4; ++i) {
    const RequestRecord& r = records_[400 + static_cast<std::size_t>(i)];  // current day; v1, v2, v1, v2
    feedback::Feedback f;
    f.request_id = r.request_id;
    f.user_id = "u0";
    f.request_user_id = "u0";
    f.request_received_at = r.received_at;
    f.verdict = verdicts[i];
    if (i < 3) f.rating = 2 + i;  // 2, 3, 4
    f.created_at = f.updated_at = r.received_at + minutes(1);
    store.Save(f);
  }
  const FeedbackSummary summary = SummarizeFeedback(*db_, {kCurrent.from, kCurrent.to, Bucket::kHour});
  ASSERT_EQ(summary.buckets.size(), 24u);
  EXPECT_EQ(summary.buckets[0].all.Total(), 4);
  const FeedbackSlice& v1 = summary.total.models.at({"retinaface", "v1"});
  EXPECT_EQ(v1.verdicts[0], 1);             // correct
  EXPECT_EQ(v1.verdicts[2], 1);             // incorrect
  EXPECT_DOUBLE_EQ(*v1.MeanRating(), 3.0);  // 2 and 4
  const FeedbackSlice& v2 = summary.total.models.at({"retinaface", "v2"});
  EXPECT_EQ(v2.verdicts[0], 1);
  EXPECT_EQ(v2.verdicts[1], 1);  // partly
  EXPECT_EQ(v2.ratings, 1);
  const nlohmann::json json = ToJson(summary);
  EXPECT_EQ(json["total"]["count"], 4);
  EXPECT_EQ(json["total"]["correct"]["share"], 0.5);
  EXPECT_EQ(json["total"]["partly_correct"]["count"], 1);
  EXPECT_EQ(json["total"]["rating"]["mean"], 3.0);
  EXPECT_EQ(json["buckets"][1]["count"], 0);
  EXPECT_TRUE(json["buckets"][1]["correct"]["share"].is_null());
  // Feedback outliving its request counts under an unknown model.
  db_->Execute("DELETE FROM requests WHERE id = ?", {records_[400].request_id});
  const FeedbackSummary orphaned = SummarizeFeedback(*db_, {kCurrent.from, kCurrent.to, Bucket::kDay});
  EXPECT_EQ(orphaned.total.all.Total(), 4);
  EXPECT_EQ(orphaned.total.models.at({"", ""}).verdicts[0], 1);
  EXPECT_EQ(orphaned.total.models.at({"retinaface", "v1"}).Total(), 1);
  // Outside the window: nothing.
  EXPECT_EQ(SummarizeFeedback(*db_, {kReference.from, kReference.to, Bucket::kDay}).total.all.Total(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, DriftTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace faceloop::insights
