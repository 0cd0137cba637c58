// Importing labels through ImportLabels and LabelStore on SQLite and a real PostgreSQL: stored in
// pixels, idempotent re-import, conflicts and unknown (or foreign) ids reported line by line, and
// a refused import (an invalid task, malformed JSON) stores nothing.
#include "labels/import.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "common/time.hpp"
#include "support/migrated_database.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::labels {
namespace {

requests::RequestRecord Record(const std::string& id, const std::string& user) {
  requests::RequestRecord r;
  r.request_id = id;
  r.received_at = ParseTimestamp("2026-11-01T10:00:00.000Z");
  r.user_id = user;
  r.model_name = "retinaface";
  r.image = {{"width", 200}, {"height", 100}, {"format", "png"}};
  return r;
}

/// A Label Studio task of `request` by annotator `who` with boxes given in percent.
std::string Task(const std::string& request, int who, const std::vector<std::array<double, 4>>& boxes) {
  nlohmann::json result = nlohmann::json::array();
  for (const auto& [x, y, w, h] : boxes) {
    result.push_back({{"type", "rectanglelabels"},
                      {"original_width", 200},
                      {"original_height", 100},
                      {"value", {{"x", x}, {"y", y}, {"width", w}, {"height", h}, {"rectanglelabels", {"face"}}}}});
  }
  return nlohmann::json{{"data", {{"request_id", request}}},
                        {"annotations", {{{"completed_by", who}, {"result", result}}}}}
      .dump();
}

class LabelImportTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    requests_ = std::make_unique<requests::RequestStore>(*db_);
    labels_ = std::make_unique<LabelStore>(*db_);
    db_->Transaction([](db::IDatabase& tx) {
      requests::RequestStore::Insert(tx, Record("r1", "alice"));
      requests::RequestStore::Insert(tx, Record("r2", "alice"));
      requests::RequestStore::Insert(tx, Record("r3", "bob"));
    });
  }

  ImportReport Import(const std::string& text, const Importer& who = {"analyst", true},
                      Source source = Source::kLabelStudio) {
    std::istringstream in(text);
    return ImportLabels(*labels_, *requests_, who, source, in, Sha256Hex(text));
  }

  std::int64_t Count(const std::string& table) {
    return db_->QueryOne("SELECT COUNT(*) FROM " + table)->Get<std::int64_t>(0);
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
  std::unique_ptr<requests::RequestStore> requests_;
  std::unique_ptr<LabelStore> labels_;
};

TEST_P(LabelImportTest, StoresPixelsOnceAndReimportChangesNothing) {
  const std::string file = "[" + Task("r1", 1, {{10, 20, 25, 50}}) + "," + Task("r2", 1, {}) + "]";
  const ImportReport first = Import(file);
  EXPECT_TRUE(first.changed);
  EXPECT_EQ(first.summary.tasks, 2);
  EXPECT_EQ(first.summary.stored, 2);
  EXPECT_TRUE(first.lines.empty());
  const auto stored = labels_->ForRequest("r1");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].annotator, "labelstudio:1");
  ASSERT_EQ(stored[0].boxes.size(), 1u);
  EXPECT_DOUBLE_EQ(stored[0].boxes[0].x, 20);  // 10 % of 200
  EXPECT_DOUBLE_EQ(stored[0].boxes[0].y, 20);
  EXPECT_DOUBLE_EQ(stored[0].boxes[0].width, 50);
  EXPECT_DOUBLE_EQ(stored[0].boxes[0].height, 50);
  EXPECT_EQ(stored[0].import_id, first.summary.id);

  const ImportReport again = Import(file);
  EXPECT_FALSE(again.changed);
  EXPECT_EQ(again.summary.stored, 0);
  EXPECT_EQ(again.summary.unchanged, 2);
  EXPECT_EQ(Count("labels"), 2);
  EXPECT_EQ(Count("label_imports"), 1);
  ASSERT_EQ(labels_->Imports(10).size(), 1u);
  EXPECT_EQ(labels_->Imports(10)[0].stored, 2);
}

TEST_P(LabelImportTest, ConflictsAndUnknownIdsAreReportedLineByLine) {
  Import("[" + Task("r1", 1, {{10, 20, 25, 50}}) + "]");
  const std::string file =
      "[" + Task("r1", 2, {{11, 20, 25, 50}}) + ",\n" + Task("nope", 1, {}) + ",\n" + Task("r3", 1, {}) + "]";
  const ImportReport alice = Import(file, {"alice", false});
  ASSERT_EQ(alice.lines.size(), 3u);
  EXPECT_EQ(alice.lines[0].kind, "conflict");
  EXPECT_EQ(alice.lines[0].task, 0);
  EXPECT_EQ(alice.lines[0].message,
            "labelled differently by labelstudio:1 and labelstudio:2 (the newest label is used)");
  EXPECT_EQ(alice.lines[1].kind, "unknown");
  EXPECT_EQ(alice.lines[1].line, 2);
  EXPECT_EQ(alice.lines[1].request_id, "nope");
  // Bob's request reads exactly like a missing one to alice.
  EXPECT_EQ(alice.lines[2].kind, "unknown");
  EXPECT_EQ(alice.lines[2].message, alice.lines[1].message);
  EXPECT_EQ(alice.summary.unknown, 2);
  EXPECT_EQ(alice.summary.conflicts, 1);
  EXPECT_EQ(alice.summary.stored, 1);
  // The newest label is the current one.
  const auto current = labels_->Current();
  ASSERT_EQ(current.size(), 1u);
  EXPECT_EQ(current[0].annotator, "labelstudio:2");
  // Account deletion takes the labels of the user's requests.
  EXPECT_EQ(labels_->PurgeRequestsOf("bob"), 0);
  EXPECT_EQ(labels_->PurgeRequestsOf("alice"), 2);
  EXPECT_TRUE(labels_->Current().empty());
}

TEST_P(LabelImportTest, AnInvalidTaskRefusesTheWholeImport) {
  const std::string file = "[" + Task("r1", 1, {{10, 20, 25, 50}}) + ",\n" + Task("r2", 1, {{90, 0, 20, 10}}) + ",\n" +
                           Task("r2", 3, {{0, 0, 0, 10}}) + "]";
  try {
    Import(file);
    FAIL() << "imported";
  } catch (const ImportRejected& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnprocessable);
    EXPECT_EQ(std::string(e.what()),
              "2 invalid tasks, nothing imported: task 1 (line 2, request r2): boxes[0] lies outside the 200x100 "
              "image; task 2 (line 3, request r2): boxes[0] has no area");
  }
  EXPECT_EQ(Count("labels"), 0);
  EXPECT_EQ(Count("label_imports"), 0);
}

TEST_P(LabelImportTest, MalformedJsonStoresNothingEvenAfterGoodTasks) {
  const std::string file = "[" + Task("r1", 1, {{10, 20, 25, 50}}) + ",\n{\"data\": }]";
  try {
    Import(file);
    FAIL() << "imported";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
    EXPECT_EQ(std::string(e.what()).rfind("line 2 (task 1): malformed JSON", 0), 0u) << e.what();
  }
  EXPECT_EQ(Count("labels"), 0);
}

TEST_P(LabelImportTest, CocoInPixelsWithTheImporterAsAnnotator) {
  const auto coco_with = [](const std::string& r2_size) {
    return R"({"images": [{"id": 1, "file_name": "images/r1.png", "width": 200, "height": 100},
    {"id": 2, "file_name": "images/r2.png", )" +
           r2_size + R"(}],
    "annotations": [{"image_id": 1, "bbox": [150, 50, 50.5, 50], "category_id": 1}],
    "categories": [{"id": 1, "name": "face"}]})";
  };
  const std::string coco = coco_with(R"("width": 640, "height": 480)");
  try {
    Import(coco, {"analyst", true}, Source::kCoco);
    FAIL() << "imported";
  } catch (const ImportRejected& e) {
    EXPECT_EQ(std::string(e.what()),
              "1 invalid task, nothing imported: task 1 (line 2, request r2): the file says the image is 640x480, "
              "the request's image is 200x100");
  }
  const std::string fixed = coco_with(R"("width": 200, "height": 100)");
  const ImportReport report = Import(fixed, {"analyst", true}, Source::kCoco);
  EXPECT_EQ(report.summary.stored, 2);
  const auto r1 = labels_->ForRequest("r1");
  ASSERT_EQ(r1.size(), 1u);
  EXPECT_EQ(r1[0].annotator, "analyst");
  EXPECT_EQ(r1[0].source, Source::kCoco);
  ASSERT_EQ(r1[0].boxes.size(), 1u);
  EXPECT_DOUBLE_EQ(r1[0].boxes[0].width, 50);  // half a pixel over the edge: clipped
}

INSTANTIATE_TEST_SUITE_P(Backends, LabelImportTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace faceloop::labels
