// Feedback in the spool: the record round-trips, the database shipper leaves it alone (the routes
// wrote it), and the search delivery indexes it under "<request id>:<user id>", a withdrawal as a
// tombstone without the verdict or comment.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/time.hpp"
#include "db/migrations.hpp"
#include "db/sqlite_database.hpp"
#include "events/database_sink.hpp"
#include "events/records.hpp"
#include "events/search_delivery.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::events {
namespace {

feedback::Feedback Sample() {
  feedback::Feedback f;
  f.request_id = "R1";
  f.user_id = "ana";
  f.request_user_id = "owner";
  f.request_received_at = ParseTimestamp("2026-11-01T10:00:00Z");
  f.verdict = feedback::Verdict::kIncorrect;
  f.wrong_faces = {1};
  f.comment = "not a face";
  f.created_at = f.updated_at = ParseTimestamp("2026-11-05T10:00:00Z");
  return f;
}

/// Keeps what it is given: the delivery's mapping is under test here, the node in the search tests.
class RecordingSink final : public search::ISearchSink {
 public:
  void EnsureSetup() override {}
  search::BulkResult Index(const std::vector<search::Document>& docs) override {
    documents.insert(documents.end(), docs.begin(), docs.end());
    return {};
  }
  void DeleteUserRequests(const std::string& user_id) override { deleted_users.push_back(user_id); }
  void DeleteBefore(std::string_view, std::string_view, std::chrono::system_clock::time_point) override {}
  std::string_view Name() const override { return "recording"; }

  std::vector<search::Document> documents;
  std::vector<std::string> deleted_users;
};

TEST(FeedbackRecords, RoundTripThroughTheSpoolFormat) {
  const Record record = ParseSpoolRecord(ToSpoolRecord(FeedbackChange{FeedbackChange::Op::kDelete, Sample()}));
  const auto* change = std::get_if<FeedbackChange>(&record);
  ASSERT_NE(change, nullptr);
  EXPECT_EQ(change->op, FeedbackChange::Op::kDelete);
  EXPECT_EQ(change->feedback.comment, "not a face");
  EXPECT_THROW(ParseSpoolRecord(R"({"kind":"feedback","op":"burn","feedback":{}})"), Error);
}

TEST(FeedbackRecords, SearchGetsADocumentPerRequestAndUser) {
  RecordingSink sink;
  const std::vector<std::string> records = {ToSpoolRecord(FeedbackChange{FeedbackChange::Op::kPut, Sample()}),
                                            ToSpoolRecord(FeedbackChange{FeedbackChange::Op::kDelete, Sample()})};
  EXPECT_EQ(DeliverToSearch(sink, records), 0u);
  ASSERT_EQ(sink.documents.size(), 2u);
  const search::Document& put = sink.documents[0];
  const search::Document& tombstone = sink.documents[1];
  EXPECT_EQ(put.family, "feedback");
  EXPECT_EQ(put.id, "R1:ana");
  EXPECT_EQ(put.time, ParseTimestamp("2026-11-01T10:00:00Z"));  // the request's day, whenever given
  EXPECT_EQ(put.body["verdict"], "incorrect");
  EXPECT_EQ(put.body["deleted"], false);
  EXPECT_EQ(tombstone.id, put.id);
  EXPECT_EQ(tombstone.body["deleted"], true);
  EXPECT_FALSE(tombstone.body.contains("comment"));
  EXPECT_FALSE(tombstone.body.contains("verdict"));
}

TEST(FeedbackRecords, TheDatabaseShipperSkipsThem) {
  faceloop::testing::TempDir dir;
  db::SqliteDatabase database(db::SqliteOptions{(dir.path() / "t.db").string()});
  database.ApplyMigrations(db::FaceloopMigrations());
  EXPECT_EQ(DeliverToDatabase(database, {ToSpoolRecord(FeedbackChange{FeedbackChange::Op::kPut, Sample()})}), 0u);
  EXPECT_EQ(database.QueryOne("SELECT COUNT(*) FROM feedback")->Get<std::int64_t>(0), 0);
}

}  // namespace
}  // namespace faceloop::events
