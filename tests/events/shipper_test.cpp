// Several consumers on one spool, the shipper's retry loop, and delivery into a real database.
#include "events/shipper.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "db/migrations.hpp"
#include "db/sqlite_database.hpp"
#include "events/database_sink.hpp"
#include "events/records.hpp"
#include "events/spool_format.hpp"
#include "requests/record_json.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::events {
namespace {

using namespace std::chrono_literals;

std::string Record(int i) { return std::string(R"({"i":)").append(std::to_string(i)).append("}"); }

SpoolOptions TwoConsumers(std::uint64_t segment_bytes = 64ull << 20) {
  SpoolOptions options;
  options.consumers = {"database", "search"};
  options.segment_bytes = segment_bytes;
  return options;
}

class MultiConsumerSpoolTest : public ::testing::Test {
 protected:
  faceloop::testing::TempDir dir_;
  storage::GroupCommitter committer_;
};

TEST_F(MultiConsumerSpoolTest, EachConsumerReadsEverythingAtItsOwnPace) {
  Spool spool(dir_.path(), committer_, TwoConsumers(200));  // tiny segments: several files
  for (int i = 0; i < 40; ++i) spool.Append(Record(i));
  const auto segments = spool.Stats("database").segments;
  ASSERT_GT(segments, 3u);

  spool.Ack(spool.ReadBatch(spool.AckedCursor("database"), 1000).next, "database");
  EXPECT_EQ(spool.Stats("database").backlog_records, 0u);
  EXPECT_EQ(spool.Stats("search").backlog_records, 40u);
  // Nothing can be deleted while "search" has not read it.
  EXPECT_EQ(spool.Stats("search").segments, segments);
  EXPECT_EQ(spool.ReadBatch(spool.AckedCursor("search"), 1000).records.size(), 40u);

  spool.Ack(spool.ReadBatch(spool.AckedCursor("search"), 10).next, "search");
  EXPECT_EQ(spool.Stats("search").backlog_records, 30u);
  EXPECT_LT(spool.Stats("search").segments, segments);
  EXPECT_THROW(spool.Ack(spool.AckedCursor("search"), "nobody"), Error);
}

TEST_F(MultiConsumerSpoolTest, CursorsSurviveAReopenEvenBeforeTheFirstAck) {
  {
    Spool spool(dir_.path(), committer_, TwoConsumers(200));
    for (int i = 0; i < 30; ++i) spool.Append(Record(i));
    spool.Ack(spool.ReadBatch(spool.AckedCursor("database"), 25).next, "database");
    // "search" never acks: after the restart it must still start at record 0, not at 25.
  }
  Spool reopened(dir_.path(), committer_, TwoConsumers(200));
  EXPECT_FALSE(reopened.recovery().cursor_reset);
  EXPECT_EQ(reopened.Stats("database").backlog_records, 5u);
  EXPECT_EQ(reopened.Stats("search").backlog_records, 30u);
  const auto search = reopened.ReadBatch(reopened.AckedCursor("search"), 1000).records;
  ASSERT_EQ(search.size(), 30u);
  EXPECT_EQ(search.front(), Record(0));
  const auto database = reopened.ReadBatch(reopened.AckedCursor("database"), 1000);
  ASSERT_EQ(database.records.size(), 5u);
  EXPECT_EQ(database.records.front(), Record(25));
}

TEST_F(MultiConsumerSpoolTest, ShipperRetriesAFailingBackendWithoutLosingOrBlockingOthers) {
  Spool spool(dir_.path(), committer_, TwoConsumers());
  std::mutex mutex;
  std::multiset<std::string> delivered;
  std::atomic<bool> search_down{true};
  std::atomic<int> search_attempts{0};
  std::multiset<std::string> indexed;
  ShipperOptions fast;
  fast.min_backoff = 5ms;
  fast.max_backoff = 20ms;
  fast.batch_records = 7;
  Shipper database(
      spool, "database",
      [&](const std::vector<std::string>& records) {
        const std::lock_guard lock(mutex);
        delivered.insert(records.begin(), records.end());
        return std::size_t{0};
      },
      fast);
  Shipper search(
      spool, "search",
      [&](const std::vector<std::string>& records) {
        ++search_attempts;
        if (search_down) throw Error(ErrorCode::kUnavailable, "node down");
        const std::lock_guard lock(mutex);
        indexed.insert(records.begin(), records.end());
        return std::size_t{0};
      },
      fast);
  for (int i = 0; i < 100; ++i) {
    spool.Append(Record(i));
    database.Notify();
    search.Notify();
  }
  ASSERT_TRUE(database.WaitCaughtUp(5s));  // not held back by the failing search backend
  EXPECT_FALSE(search.WaitCaughtUp(50ms));
  EXPECT_FALSE(search.Stats().healthy);
  EXPECT_GT(search.Stats().failed_attempts, 0u);
  EXPECT_EQ(search.Stats().spool.backlog_records, 100u);

  search_down = false;
  ASSERT_TRUE(search.WaitCaughtUp(5s));
  EXPECT_TRUE(search.Stats().healthy);
  const std::lock_guard lock(mutex);
  EXPECT_EQ(delivered.size(), 100u);
  EXPECT_EQ(indexed.size(), 100u);  // each exactly once here: failed batches were never half-acked
  for (int i = 0; i < 100; ++i) EXPECT_EQ(indexed.count(Record(i)), 1u) << i;
  EXPECT_GT(search_attempts.load(), 1);
}

TEST_F(MultiConsumerSpoolTest, NotifyWakesAnIdleShipperAndRecordsAppendedWhileItLingersFollow) {
  Spool spool(dir_.path(), committer_, TwoConsumers());
  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<std::string> delivered;
  ShipperOptions options;
  options.linger = 100ms;
  options.idle_poll = 60s;  // a record shipped within seconds was woken by Notify, not by the poll
  Shipper shipper(
      spool, "database",
      [&](const std::vector<std::string>& records) {
        const std::lock_guard lock(mutex);
        delivered.insert(delivered.end(), records.begin(), records.end());
        arrived.notify_all();
        return std::size_t{0};
      },
      options);
  const auto delivered_within = [&](std::size_t count, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex);
    return arrived.wait_for(lock, timeout, [&] { return delivered.size() >= count; });
  };
  // Idle: the first record wakes it. Lingering after that batch: the second record is appended and
  // notified while it waits, which must not wake it, and is shipped when the linger ends.
  spool.Append(Record(0));
  shipper.Notify();
  ASSERT_TRUE(delivered_within(1, 10s));
  spool.Append(Record(1));
  shipper.Notify();
  ASSERT_TRUE(delivered_within(2, 10s));
  // Idle again (a linger with nothing new, then the 60 s wait): a Notify still wakes it at once.
  std::this_thread::sleep_for(300ms);
  spool.Append(Record(2));
  shipper.Notify();
  ASSERT_TRUE(delivered_within(3, 10s));
  const std::lock_guard lock(mutex);
  EXPECT_EQ(delivered, (std::vector<std::string>{Record(0), Record(1), Record(2)}));
}

class DatabaseSinkTest : public ::testing::Test {
 protected:
  DatabaseSinkTest() {
    db_.ApplyMigrations(db::FaceloopMigrations());
    db_.Execute("INSERT INTO users (id, email, role, created_at) VALUES ('u1', 'a@x.org', 'user', 'now')");
  }

  static std::string Request(const std::string& id, const std::string& user) {
    return ToSpoolRecord(requests::FromJson({{"request_id", id},
                                             {"received_at", "2026-11-28T10:00:00.000Z"},
                                             {"user_id", user},
                                             {"status", 200},
                                             {"face_count", 2},
                                             {"confidence_mean", 0.75},
                                             {"tiling", true},
                                             {"image_key", "inputs/2026/11/28/" + id + ".jpg"},
                                             {"image", {{"width", 640}}},
                                             {"faces", nlohmann::json::array({{{"confidence", 0.75}}})}}));
  }

  faceloop::testing::TempDir dir_;
  db::SqliteDatabase db_{db::SqliteOptions{(dir_.path() / "t.db").string()}};
};

TEST_F(DatabaseSinkTest, RetriedBatchesInsertNothingTwice) {
  Event login;
  login.id = "e1";
  login.type = EventType::kLogin;
  login.user_id = "u1";
  login.occurred_at = std::chrono::system_clock::now();
  const std::vector<std::string> batch = {Request("r1", "u1"), ToSpoolRecord(login), "not json"};
  EXPECT_EQ(DeliverToDatabase(db_, batch), 1u);  // the unreadable record is refused for good
  EXPECT_EQ(DeliverToDatabase(db_, batch), 1u);
  EXPECT_EQ(db_.QueryOne("SELECT COUNT(*) FROM requests")->Get<std::int64_t>(0), 1);
  // The login, and the detect event the request implies.
  EXPECT_EQ(db_.QueryOne("SELECT COUNT(*) FROM events")->Get<std::int64_t>(0), 2);
  const auto row = db_.QueryOne("SELECT face_count, confidence_mean, tiling, metadata_json FROM requests");
  EXPECT_EQ(row->Get<std::int64_t>(0), 2);
  EXPECT_DOUBLE_EQ(row->Get<double>(1), 0.75);
  EXPECT_EQ(row->Get<std::int64_t>(2), 1);
  EXPECT_EQ(nlohmann::json::parse(row->Get<std::string>(3))["width"], 640);
}

TEST_F(DatabaseSinkTest, RecordsOfDeletedAccountsAreDroppedWithTheirImages) {
  std::vector<std::string> dropped;
  DeliverToDatabase(db_, {Request("r1", "u1"), Request("r2", "gone")},
                    [&](const std::string& key) { dropped.push_back(key); });
  EXPECT_EQ(db_.QueryOne("SELECT COUNT(*) FROM requests")->Get<std::int64_t>(0), 1);
  EXPECT_EQ(dropped, std::vector<std::string>{"inputs/2026/11/28/r2.jpg"});
}

}  // namespace
}  // namespace faceloop::events
