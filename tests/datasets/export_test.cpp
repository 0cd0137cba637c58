// Selection, consent, de-duplication and the format writers, end to end through RunExport, on
// SQLite and a real PostgreSQL (FACELOOP_TEST_DATABASE_URL, tests/servers/postgres.sh).
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <set>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/time.hpp"
#include "datasets/dedup.hpp"
#include "datasets/export_store.hpp"
#include "datasets/exporter.hpp"
#include "insights/rollups.hpp"
#include "requests/store.hpp"
#include "storage/local_object_store.hpp"
#include "storage/open_object_store.hpp"
#include "support/error_code.hpp"
#include "support/migrated_database.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::datasets {
namespace {

using json = nlohmann::json;

/// A picture unlike the others (blocks of random brightness), as JPEG at `quality`.
std::vector<std::uint8_t> Picture(int seed, int quality = 90) {
  cv::Mat small(6, 8, CV_8UC3);
  cv::RNG rng(static_cast<std::uint64_t>(seed) * 7919 + 1);
  rng.fill(small, cv::RNG::UNIFORM, 0, 256);
  cv::Mat image;
  cv::resize(small, image, cv::Size(160, 120), 0, 0, cv::INTER_NEAREST);
  std::vector<std::uint8_t> bytes;
  cv::imencode(".jpg", image, bytes, {cv::IMWRITE_JPEG_QUALITY, quality});
  return bytes;
}

json ReadJson(const std::filesystem::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

class ExportTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    objects_ = std::make_unique<storage::LocalObjectStore>(dir_.path() / "objects");
  }

  /// A successful request of `user` whose faces have `confidences`, its image `bytes`.
  std::string Add(const std::string& user, std::vector<double> confidences, const std::vector<std::uint8_t>& bytes,
                  double threshold = 0.5) {
    requests::RequestRecord r;
    r.request_id = "r" + std::to_string(1000 + next_++);
    r.received_at = ParseTimestamp("2026-03-01T10:00:00.000Z") + std::chrono::minutes(next_);
    r.user_id = user;
    r.model_name = "retinaface";
    r.model_version = "v1";
    r.min_confidence = threshold;
    r.image_key = "inputs/" + r.request_id + ".jpg";
    r.image_bytes = static_cast<std::int64_t>(bytes.size());
    r.image = {{"width", 160}, {"height", 120}, {"format", "jpeg"}, {"brightness", 0.5}};
    r.faces = json::array();
    for (double c : confidences) {
      r.faces.push_back({{"box", {{"x", 10}, {"y", 20}, {"width", 40}, {"height", 50}}}, {"confidence", c}});
    }
    r.face_count = static_cast<std::int64_t>(confidences.size());
    if (!confidences.empty()) {
      r.confidence_min = *std::min_element(confidences.begin(), confidences.end());
      r.confidence_max = *std::max_element(confidences.begin(), confidences.end());
    }
    requests::RequestStore::Insert(*db_, r);
    objects_->Put(*r.image_key, bytes);
    return r.request_id;
  }

  ExportOutcome Export(json body, const std::string& name = "out") {
    body["to"] = (dir_.path() / name).string();
    const ExportParams params = ParseExportParams(body);
    ExportStore(*db_).Create({"e-" + name, "tester", std::chrono::system_clock::now(), std::nullopt, ToJson(params),
                              std::string(kRunning), params.to, json::object(), std::nullopt});
    return RunExport({*db_, *objects_, consent_, {}}, params, "e-" + name, std::chrono::system_clock::now());
  }

  /// The request ids of a COCO export.
  std::set<std::string> CocoIds(const std::string& name = "out") {
    std::set<std::string> ids;
    const json coco = ReadJson(dir_.path() / name / "annotations.json");  // kept: the loop reads into it
    for (const auto& image : coco["images"]) {
      ids.insert(image["faceloop_request_id"].get<std::string>());
    }
    return ids;
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
  std::unique_ptr<storage::LocalObjectStore> objects_;
  ConsentPolicy consent_;
  int next_ = 0;
};

TEST_P(ExportTest, UncertainTakesFacesNearTheThresholdAndWeakImages) {
  const std::string near = Add("u1", {0.55, 0.99}, Picture(1));
  const std::string weak = Add("u1", {0.45}, Picture(2), 0.3);
  Add("u1", {0.95, 0.99}, Picture(3));
  const auto outcome =
      Export({{"strategies", "uncertain"}, {"params", {{"uncertain", {{"band", 0.1}, {"low", 0.5}}}}}});
  EXPECT_EQ(CocoIds(), (std::set<std::string>{near, weak}));
  EXPECT_EQ(outcome.counts["per_strategy"]["uncertain"], 2);
}

TEST_P(ExportTest, RandomIsSeededCappedAndUnionsTagFirstStrategy) {
  const std::vector<std::string> users = {"u0", "u1", "u2"};
  for (int i = 0; i < 12; ++i) Add(users[static_cast<std::size_t>(i % 3)], {0.9}, Picture(10 + i));
  Export({{"strategies", "random"}, {"params", {{"random", {{"seed", 3}}}}}, {"limit", 5}}, "a");
  Export({{"strategies", "random"}, {"params", {{"random", {{"seed", 3}}}}}, {"limit", 5}}, "b");
  EXPECT_EQ(CocoIds("a").size(), 5u);
  EXPECT_EQ(CocoIds("a"), CocoIds("b"));
  const auto capped = Export({{"strategies", "random"}, {"per_user", 2}}, "c");
  EXPECT_EQ(capped.images, 6);  // three users, two each
  EXPECT_EQ(capped.counts["dropped"]["per_user_cap"], 6);
}

TEST_P(ExportTest, FeedbackTakesIncorrectPredictions) {
  const std::string wrong = Add("u1", {0.9}, Picture(1));
  Add("u1", {0.9}, Picture(2));
  db_->Execute(
      "INSERT INTO feedback (request_id, user_id, request_user_id, request_received_at, verdict, wrong_faces_json, "
      "missed_faces_json, channel, created_at, updated_at) VALUES (?, 'u1', 'u1', '2026-03-01T10:00:00.000Z', "
      "'incorrect', '[0]', '[]', 'api', '2026-03-02T00:00:00.000Z', '2026-03-02T00:00:00.000Z')",
      {wrong});
  Export({{"strategies", json::array({"feedback"})}});
  EXPECT_EQ(CocoIds(), std::set<std::string>{wrong});
}

TEST_P(ExportTest, DriftedTakesRequestsInFiredWindows) {
  const std::string inside = Add("u1", {0.9}, Picture(1));  // received 10:01
  Add("u1", {0.9}, Picture(2));                             // 10:02
  db_->Execute(
      "INSERT INTO alert_events (id, rule_id, rule_name, metric, transition, value, threshold, comparator, sample, "
      "window_from, window_to, occurred_at) VALUES ('ev1', 'r', 'drift', 'drift_verdict', 'firing', 2, 2, '>=', 100, "
      "'2026-03-01T10:00:00.000Z', '2026-03-01T10:01:30.000Z', '2026-03-01T10:02:00.000Z')");
  Export({{"strategies", "drifted"}});
  EXPECT_EQ(CocoIds(), std::set<std::string>{inside});
}

TEST_P(ExportTest, OutliersTakesTheInsightsOutliers) {
  // A reference week of ordinary requests, then a window with one very slow request.
  for (int i = 0; i < 40; ++i) {
    const std::string id = Add("u1", {0.6 + 0.009 * i}, Picture(100 + i));
    db_->Execute(
        "UPDATE requests SET received_at = ?, total_ms = ? WHERE id = ?",
        {FormatTimestamp(ParseTimestamp("2026-02-22T00:00:00.000Z") + std::chrono::hours(3 * i)), 100.0 + i, id});
  }
  const std::string slow = Add("u1", {0.8}, Picture(1));
  const std::string ordinary = Add("u1", {0.8}, Picture(2));
  db_->Execute("UPDATE requests SET total_ms = 90000 WHERE id = ?", {slow});
  db_->Execute("UPDATE requests SET total_ms = 120 WHERE id = ?", {ordinary});
  insights::RebuildRollups(*db_);
  const auto outcome = Export({{"strategies", "outliers"},
                               {"from", "2026-03-01T00:00:00Z"},
                               {"until", "2026-03-02T00:00:00Z"},
                               {"params", {{"outliers", {{"threshold", 3.5}}}}}});
  EXPECT_EQ(CocoIds(), std::set<std::string>{slow});
  EXPECT_EQ(outcome.counts["per_strategy"]["outliers"], 1);
}

TEST_P(ExportTest, StratifiedTakesAtMostPerBinFromEachStratum) {
  for (int i = 0; i < 4; ++i) Add("u1", {0.9}, Picture(i));
  const std::string dark = Add("u1", {0.9}, Picture(9));
  db_->Execute("UPDATE requests SET metadata_json = ? WHERE id = ?",
               {json({{"width", 160}, {"height", 120}, {"format", "jpeg"}, {"brightness", 0.05}}).dump(), dark});
  const auto outcome = Export({{"strategies", "stratified"}, {"params", {{"stratified", {{"per_bin", 1}}}}}});
  EXPECT_EQ(outcome.images, 2);  // one of the four alike, and the dark one
  EXPECT_TRUE(CocoIds().contains(dark));
}

TEST_P(ExportTest, OptedOutAndDeletedUsersNeverAppear) {
  for (const char* user : {"out", "in", "unset", "gone"}) {
    db_->Execute("INSERT INTO users (id, email, role, created_at) VALUES (?, ?, 'user', '2026-01-01T00:00:00.000Z')",
                 {std::string(user), std::string(user) + "@example.com"});
  }
  db_->Execute(
      "INSERT INTO user_preferences (user_id, training_use, updated_at) VALUES ('out', 0, ?), ('in', 1, ?), "
      "('unset', NULL, ?)",
      {"2026-03-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"});
  db_->Execute("INSERT INTO deleted_users (user_id, deleted_at) VALUES ('gone', '2026-03-02T00:00:00.000Z')");
  const std::string in = Add("in", {0.9}, Picture(1));
  const std::string unset = Add("unset", {0.9}, Picture(2));
  Add("out", {0.9}, Picture(3));
  Add("gone", {0.9}, Picture(4));
  Export({{"strategies", "random"}});
  EXPECT_EQ(CocoIds(), (std::set<std::string>{in, unset}));
  EXPECT_EQ(ExportStore(*db_).ExportsContaining("in"), std::vector<std::string>{"e-out"});
  EXPECT_TRUE(ExportStore(*db_).ExportsContaining("out").empty());
  // Where the default is "no", only those who said yes.
  consent_.training_use_default = false;
  Export({{"strategies", "random"}}, "d");
  EXPECT_EQ(CocoIds("d"), std::set<std::string>{in});
}

TEST_P(ExportTest, IdenticalAndReencodedImagesCountOnce) {
  Add("u1", {0.9}, Picture(1, 90));
  Add("u2", {0.9}, Picture(1, 90));  // the same bytes
  Add("u3", {0.9}, Picture(1, 60));  // the same picture, another JPEG quality
  Add("u4", {0.9}, Picture(2));
  const auto outcome = Export({{"strategies", "random"}});
  EXPECT_EQ(outcome.images, 2);
  EXPECT_EQ(outcome.counts["dropped"]["duplicate"], 1);
  EXPECT_EQ(outcome.counts["dropped"]["near_duplicate"], 1);
}

TEST_P(ExportTest, WritesEveryFormatAndTheManifestLast) {
  Add("u1", {0.9, 0.7}, Picture(1));
  Add("u1", {}, Picture(2));
  for (const char* format : {"coco", "yolo", "wider", "labelstudio"}) {
    Export({{"strategies", "random"}, {"format", format}}, format);
    const auto root = dir_.path() / format;
    const json manifest = ReadJson(root / "manifest.json");
    EXPECT_EQ(manifest["counts"]["images"], 2) << format;
    for (const auto& file : manifest["files"]) {
      EXPECT_EQ(std::filesystem::file_size(root / file["path"].get<std::string>()),
                file["bytes"].get<std::uintmax_t>());
    }
    std::string partial(".");  // appended: GCC 12 warns falsely (-Wrestrict) on "." + ...
    partial.append(format).append(".partial-e-").append(format);
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / partial));
  }
  // COCO: every annotation references an image and lies inside it.
  const json coco = ReadJson(dir_.path() / "coco" / "annotations.json");
  std::map<std::int64_t, json> images;
  for (const auto& image : coco["images"]) images[image["id"]] = image;
  ASSERT_EQ(coco["annotations"].size(), 2u);
  for (const auto& a : coco["annotations"]) {
    ASSERT_TRUE(images.contains(a["image_id"]));
    const auto& image = images[a["image_id"]];
    EXPECT_LE(a["bbox"][0].get<double>() + a["bbox"][2].get<double>(), image["width"].get<double>());
    EXPECT_LE(a["bbox"][1].get<double>() + a["bbox"][3].get<double>(), image["height"].get<double>());
    EXPECT_TRUE(std::filesystem::exists(dir_.path() / "coco" / image["file_name"].get<std::string>()));
  }
  // YOLO: normalised centre and size.
  int lines = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path() / "yolo" / "labels")) {
    std::ifstream in(entry.path());
    int cls = 0;
    double cx = 0, cy = 0, w = 0, h = 0;
    while (in >> cls >> cx >> cy >> w >> h) {
      ++lines;
      for (double v : {cx, cy, w, h}) EXPECT_TRUE(v >= 0 && v <= 1);
      EXPECT_NEAR(cx, 30.0 / 160, 1e-5);
      EXPECT_NEAR(h, 50.0 / 120, 1e-5);
    }
  }
  EXPECT_EQ(lines, 2);
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "yolo" / "data.yaml"));
  // Label Studio: percent boxes map back to the pixel boxes.
  const json tasks = ReadJson(dir_.path() / "labelstudio" / "tasks.json");
  ASSERT_EQ(tasks.size(), 2u);
  for (const auto& task : tasks) {
    for (const auto& r : task["predictions"][0]["result"]) {
      const auto& v = r["value"];
      EXPECT_NEAR(v["x"].get<double>() * r["original_width"].get<double>() / 100, 10, 1e-9);
      EXPECT_NEAR(v["height"].get<double>() * r["original_height"].get<double>() / 100, 50, 1e-9);
      EXPECT_EQ(v["rectanglelabels"][0], "face");
    }
  }
  // WIDER: name, count, boxes; "0 0 0 0" for no face.
  std::ifstream wider(dir_.path() / "wider" / "wider_face_gt.txt");
  std::string text((std::istreambuf_iterator<char>(wider)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\n2\n10 20 40 50\n10 20 40 50\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n0\n0 0 0 0\n"), std::string::npos) << text;
}

TEST_P(ExportTest, WritesToAnS3PrefixWithTheManifestLast) {
  FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_S3_URL");
  Add("u1", {0.9}, Picture(1));
  Add("u2", {0.8}, Picture(2));
  // s3://bucket?query -> s3://bucket-<run>/export-<backend>?query: a bucket of this run, a prefix of this test.
  const std::string url = *faceloop::testing::ServerEnv("FACELOOP_TEST_S3_URL");
  const auto query = url.find('?');
  const std::string run = std::to_string(std::random_device{}() % 1000000);
  std::string to = url.substr(0, query);
  to.append("-").append(run).append("/export-").append(GetParam()).append(url.substr(query));
  const ExportParams params = ParseExportParams({{"strategies", "random"}, {"format", "yolo"}, {"to", to}});
  ExportStore(*db_).Create({"e-s3", "tester", std::chrono::system_clock::now(), std::nullopt, ToJson(params),
                            std::string(kRunning), to, json::object(), std::nullopt});
  const auto outcome = RunExport({*db_, *objects_, consent_, faceloop::testing::ServerEnv}, params, "e-s3",
                                 std::chrono::system_clock::now());
  EXPECT_EQ(outcome.images, 2);
  const auto store = storage::OpenObjectStore(to, faceloop::testing::ServerEnv);
  const auto manifest = store->Get("manifest.json");
  ASSERT_TRUE(manifest.has_value());
  const json parsed = json::parse(manifest->begin(), manifest->end());
  ASSERT_EQ(parsed["files"].size(), 5u);  // data.yaml, two images, two label files
  for (const auto& file : parsed["files"]) {
    const auto bytes = store->Get(file["path"].get<std::string>());
    ASSERT_TRUE(bytes.has_value()) << file["path"];
    EXPECT_EQ(bytes->size(), file["bytes"].get<std::size_t>());
  }
}

TEST_P(ExportTest, RefusesANonEmptyFolder) {
  std::filesystem::create_directories(dir_.path() / "out");
  std::ofstream(dir_.path() / "out" / "x") << "x";
  Add("u1", {0.9}, Picture(1));
  EXPECT_EQ(faceloop::testing::CodeOf([&] { Export({{"strategies", "random"}}); }), ErrorCode::kConflict);
}

INSTANTIATE_TEST_SUITE_P(Backends, ExportTest, ::testing::Values("sqlite", "postgres"));

TEST(ExportParamsTest, RefusesWithTheParameterNamed) {
  auto message = [](const json& body) {
    try {
      ParseExportParams(body);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnprocessable);
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message({{"strategies", "bogus"}}).find("strategy"), std::string::npos);
  EXPECT_NE(message({{"strategies", "random"}, {"format", "voc"}}).find("format"), std::string::npos);
  EXPECT_NE(message({{"strategies", "random"}, {"limit", 0}}).find("limit"), std::string::npos);
  EXPECT_NE(message({{"strategies", "random"}, {"from", "2026-03-02T00:00:00Z"}, {"until", "2026-03-01T00:00:00Z"}})
                .find("from"),
            std::string::npos);
  EXPECT_NE(message({{"strategies", "random"}, {"params", {{"random", {{"band", 1}}}}}}).find("params.random.band"),
            std::string::npos);
  EXPECT_NE(message({{"strategies", "random"}, {"colour", 1}}).find("colour"), std::string::npos);
}

TEST(NearDuplicateIndexTest, FindsHashesWithinTheDistanceOnly) {
  NearDuplicateIndex index(4);
  EXPECT_FALSE(index.SeenOrAdd(0xF0F0F0F0F0F0F0F0ULL));
  EXPECT_TRUE(index.SeenOrAdd(0xF0F0F0F0F0F0F0F0ULL ^ 0x8000000100010001ULL));  // 4 bits apart, spread out
  EXPECT_FALSE(index.SeenOrAdd(0xF0F0F0F0F0F0F0F0ULL ^ 0x1F));                  // 5 bits
  EXPECT_EQ(HammingDistance(DifferenceHash(Picture(1, 95)), DifferenceHash(Picture(1, 50))) <= 4, true);
  EXPECT_GT(HammingDistance(DifferenceHash(Picture(1)), DifferenceHash(Picture(2))), 4);
}

}  // namespace
}  // namespace faceloop::datasets
