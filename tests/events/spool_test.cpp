#include "events/spool.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "events/spool_format.hpp"
#include "support/error_code.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::events {
namespace {

using faceloop::testing::CodeOf;

namespace fs = std::filesystem;
using storage::GroupCommitter;

// Built with append: GCC 12 raises a false -Wrestrict on "literal" + std::to_string().
std::string Record(int i) {
  return std::string(R"({"i":)").append(std::to_string(i)).append(R"(,"pad":"..........."})");
}

std::vector<std::string> ReadAll(const Spool& spool) {
  return spool.ReadBatch(spool.AckedCursor(), 1'000'000, 1ull << 40).records;
}

std::vector<std::string> Records(int from, int to) {
  std::vector<std::string> records;
  for (int i = from; i < to; ++i) records.push_back(Record(i));
  return records;
}

fs::path OnlySegment(const Spool& spool) {
  const auto ids = spool_format::ListSegments(spool.dir());
  EXPECT_EQ(ids.size(), 1u);
  return spool.dir() / spool_format::SegmentName(ids.back());
}

/// Appends `record` with `attachment` and waits until both are durable.
void AppendWithAttachment(Spool& spool, const std::string& record, const std::string& attachment) {
  std::promise<std::exception_ptr> done;
  spool.AppendAsync(record, {reinterpret_cast<const std::uint8_t*>(attachment.data()), attachment.size()},
                    [&done](std::exception_ptr error) { done.set_value(std::move(error)); });
  if (auto error = done.get_future().get()) std::rethrow_exception(error);
}

class SpoolTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  GroupCommitter committer_;
};

TEST_F(SpoolTest, AppendReadAckAndReopen) {
  SpoolCursor next;
  {
    Spool spool(dir_.path(), committer_);
    for (int i = 0; i < 5; ++i) spool.Append(Record(i));
    const auto first = spool.ReadBatch(spool.AckedCursor(), 3);
    EXPECT_EQ(first.records, Records(0, 3));
    EXPECT_EQ(first.next.sequence, 3u);
    const auto rest = spool.ReadBatch(first.next, 10);
    EXPECT_EQ(rest.records, Records(3, 5));
    EXPECT_TRUE(spool.ReadBatch(rest.next, 10).records.empty());
    EXPECT_EQ(spool.ReadBatch(rest.next, 10).next, rest.next);
    spool.Ack(first.next);
    next = first.next;
    const auto stats = spool.Stats();
    EXPECT_EQ(stats.backlog_records, 2u);
    EXPECT_GT(stats.backlog_bytes, 2 * Record(0).size());
  }
  Spool reopened(dir_.path(), committer_);
  EXPECT_EQ(reopened.AckedCursor(), next);
  EXPECT_EQ(reopened.recovery().truncated_segments, 0u);
  EXPECT_EQ(ReadAll(reopened), Records(3, 5));
  EXPECT_EQ(reopened.Stats().backlog_records, 2u);
  reopened.Append(Record(5));
  EXPECT_EQ(ReadAll(reopened), Records(3, 6));
}

TEST_F(SpoolTest, StatsReportBacklogAge) {
  Spool spool(dir_.path(), committer_);
  EXPECT_EQ(spool.Stats().backlog_records, 0u);
  EXPECT_EQ(spool.Stats().oldest_unacked_age_s, 0.0);
  spool.Append(Record(0));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  spool.Append(Record(1));
  const auto stats = spool.Stats();
  EXPECT_EQ(stats.backlog_records, 2u);
  EXPECT_GE(stats.oldest_unacked_age_s, 0.02);
  spool.Ack(spool.ReadBatch(spool.AckedCursor(), 10).next);
  EXPECT_EQ(spool.Stats().backlog_records, 0u);
  EXPECT_EQ(spool.Stats().backlog_bytes, 0u);
  EXPECT_EQ(spool.Stats().oldest_unacked_age_s, 0.0);
}

TEST_F(SpoolTest, TornTailIsCutOnReopen) {
  fs::path segment;
  {
    Spool spool(dir_.path(), committer_);
    for (int i = 0; i < 3; ++i) spool.Append(Record(i));
    segment = OnlySegment(spool);
  }
  fs::resize_file(segment, fs::file_size(segment) - 7);  // a crash in the middle of the third frame
  Spool spool(dir_.path(), committer_);
  EXPECT_EQ(spool.recovery().truncated_segments, 1u);
  EXPECT_EQ(spool.recovery().truncated_bytes, spool_format::kHeaderBytes + Record(2).size() - 7);
  EXPECT_EQ(ReadAll(spool), Records(0, 2));
  spool.Append(Record(9));
  EXPECT_EQ(ReadAll(spool), (std::vector<std::string>{Record(0), Record(1), Record(9)}));
  Spool again(dir_.path(), committer_);
  EXPECT_EQ(again.recovery().truncated_segments, 0u);
  EXPECT_EQ(ReadAll(again), (std::vector<std::string>{Record(0), Record(1), Record(9)}));
}

TEST_F(SpoolTest, CorruptTailRecordIsCutOnReopen) {
  fs::path segment;
  {
    Spool spool(dir_.path(), committer_);
    for (int i = 0; i < 3; ++i) spool.Append(Record(i));
    segment = OnlySegment(spool);
  }
  {
    std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(fs::file_size(segment) - 3));
    file.put('#');  // a flipped byte inside the last payload: only the CRC can tell
  }
  Spool spool(dir_.path(), committer_);
  EXPECT_EQ(spool.recovery().truncated_segments, 1u);
  EXPECT_EQ(ReadAll(spool), Records(0, 2));
  spool.Append(Record(3));
  EXPECT_EQ(ReadAll(spool).back(), Record(3));
}

TEST_F(SpoolTest, ZeroFilledTailIsCut) {
  fs::path segment;
  {
    Spool spool(dir_.path(), committer_);
    spool.Append(Record(0));
    segment = OnlySegment(spool);
  }
  fs::resize_file(segment, fs::file_size(segment) + 4096);  // what a file system can leave after power loss
  Spool spool(dir_.path(), committer_);
  EXPECT_EQ(spool.recovery().truncated_bytes, 4096u);
  EXPECT_EQ(ReadAll(spool), Records(0, 1));
}

TEST_F(SpoolTest, SegmentsRollOverAndAckedOnesAreDeleted) {
  const SpoolOptions options{.segment_bytes = 256, .max_total_bytes = 1 << 20, .max_record_bytes = 1024};
  Spool spool(dir_.path(), committer_, options);
  for (int i = 0; i < 40; ++i) spool.Append(Record(i));
  const std::size_t segments = spool_format::ListSegments(spool.dir()).size();
  EXPECT_GE(segments, 5u);
  EXPECT_EQ(spool.Stats().segments, segments);
  for (const auto id : spool_format::ListSegments(spool.dir())) {
    EXPECT_LE(fs::file_size(spool.dir() / spool_format::SegmentName(id)), 256u);
  }
  // Read in small batches across segment boundaries.
  std::vector<std::string> seen;
  SpoolCursor cursor = spool.AckedCursor();
  for (auto batch = spool.ReadBatch(cursor, 3); !batch.records.empty(); batch = spool.ReadBatch(cursor, 3)) {
    seen.insert(seen.end(), batch.records.begin(), batch.records.end());
    cursor = batch.next;
    if (seen.size() == 21) spool.Ack(cursor);
  }
  EXPECT_EQ(seen, Records(0, 40));
  const std::size_t after_half = spool_format::ListSegments(spool.dir()).size();
  EXPECT_LT(after_half, segments);
  spool.Ack(cursor);
  EXPECT_EQ(spool_format::ListSegments(spool.dir()).size(), 1u);  // only the active segment is left
  EXPECT_EQ(spool.Stats().backlog_records, 0u);
  spool.Append(Record(40));
  Spool reopened(dir_.path(), committer_, options);
  EXPECT_EQ(ReadAll(reopened), Records(40, 41));
}

TEST_F(SpoolTest, FullSpoolRefusesWithUnavailable) {
  const SpoolOptions options{.segment_bytes = 200, .max_total_bytes = 1000, .max_record_bytes = 1024};
  Spool spool(dir_.path(), committer_, options);
  int appended = 0;
  try {
    for (; appended < 1000; ++appended) spool.Append(Record(appended));
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  }
  EXPECT_GT(appended, 5);
  EXPECT_LT(appended, 1000);
  EXPECT_LE(spool.Stats().total_bytes, 1000u);
  EXPECT_EQ(ReadAll(spool), Records(0, appended));  // nothing accepted was dropped
  // Shipping frees room again.
  spool.Ack(spool.ReadBatch(spool.AckedCursor(), 1000).next);
  EXPECT_NO_THROW(spool.Append(Record(appended)));
}

TEST_F(SpoolTest, RejectsOversizedRecordsAndForeignCursors) {
  Spool spool(dir_.path(), committer_, SpoolOptions{.max_record_bytes = 100});
  EXPECT_EQ(CodeOf([&] { spool.Append(std::string(101, 'x')); }), ErrorCode::kPayloadTooLarge);
  spool.Append("a");
  const auto batch = spool.ReadBatch(spool.AckedCursor(), 10);
  SpoolCursor beyond = batch.next;
  beyond.offset += 1000;
  EXPECT_EQ(CodeOf([&] { spool.Ack(beyond); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([&] { spool.ReadBatch(SpoolCursor{99, 0, 0}, 1); }), ErrorCode::kBadRequest);
  spool.Ack(batch.next);
  EXPECT_EQ(CodeOf([&] { spool.ReadBatch(SpoolCursor{}, 1); }), ErrorCode::kBadRequest);  // before the ack
}

TEST_F(SpoolTest, ConcurrentAppendsAreAllKeptInBatches) {
  Spool spool(dir_.path(), committer_);
  constexpr int kThreads = 8;
  constexpr int kAppends = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppends; ++i) spool.Append(Record(t * kAppends + i));
    });
  }
  for (auto& thread : threads) thread.join();
  auto records = ReadAll(spool);
  std::sort(records.begin(), records.end());
  auto expected = Records(0, kThreads * kAppends);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(records, expected);
  const auto commits = committer_.Stats();
  EXPECT_LT(commits.batches, commits.items);
  EXPECT_EQ(commits.syncs, commits.batches);  // appends to one segment: one fdatasync per batch
  EXPECT_EQ(spool.Stats().backlog_records, static_cast<std::uint64_t>(kThreads * kAppends));
}

TEST_F(SpoolTest, LostCursorSegmentRestartsAtTheFirstSegment) {
  const SpoolOptions options{.segment_bytes = 10};  // one record per segment
  {
    Spool spool(dir_.path(), committer_, options);
    for (int i = 0; i < 6; ++i) spool.Append(Record(i));
  }
  std::ofstream(dir_.path() / "spool" / "cursor") << "1 5 1\n";
  fs::remove(dir_.path() / "spool" / spool_format::SegmentName(1));
  Spool spool(dir_.path(), committer_, options);
  EXPECT_TRUE(spool.recovery().cursor_reset);
  EXPECT_EQ(ReadAll(spool).front(), Record(1));
}

TEST_F(SpoolTest, AttachmentsComeBackOnlyToConsumersThatAskForThem) {
  const std::string image(100'000, '\xff');
  Spool spool(dir_.path(), committer_);
  AppendWithAttachment(spool, Record(0), image);
  spool.Append(Record(1));
  AppendWithAttachment(spool, Record(2), "tiny");
  EXPECT_EQ(spool.DurableSequence(), 3u);  // attachments are not records

  const SpoolBatch plain = spool.ReadBatch(spool.AckedCursor(), 10);
  EXPECT_EQ(plain.records, Records(0, 3));
  EXPECT_TRUE(plain.attachments.empty());
  const SpoolBatch attached = spool.ReadBatch(spool.AckedCursor(), 10, 4u << 20, true);
  EXPECT_EQ(attached.records, Records(0, 3));
  EXPECT_EQ(attached.attachments, (std::vector<std::string>{image, "", "tiny"}));
  EXPECT_EQ(attached.next, plain.next);

  // A batch read from after the first record starts at a record, never inside a pair.
  const SpoolBatch second = spool.ReadBatch(spool.ReadBatch(spool.AckedCursor(), 1).next, 10, 4u << 20, true);
  EXPECT_EQ(second.attachments, (std::vector<std::string>{"", "tiny"}));
  // Attachments count towards the bytes of a batch that reads them.
  EXPECT_EQ(spool.ReadBatch(spool.AckedCursor(), 10, 50'000, true).records.size(), 1u);
  EXPECT_EQ(spool.ReadBatch(spool.AckedCursor(), 10, 50'000).records.size(), 3u);

  Spool reopened(dir_.path(), committer_);
  EXPECT_EQ(reopened.recovery().truncated_segments, 0u);
  EXPECT_EQ(reopened.DurableSequence(), 3u);
  EXPECT_EQ(reopened.ReadBatch(reopened.AckedCursor(), 10, 4u << 20, true).attachments,
            (std::vector<std::string>{image, "", "tiny"}));
}

TEST_F(SpoolTest, AnAttachmentWhoseRecordWasTornIsCutAndAttachesToNothing) {
  fs::path segment;
  std::uintmax_t intact = 0;
  {
    Spool spool(dir_.path(), committer_);
    AppendWithAttachment(spool, Record(0), "first image");
    segment = OnlySegment(spool);
    intact = fs::file_size(segment);
    AppendWithAttachment(spool, Record(1), "second image");
  }
  // A crash after the attachment frame reached the disk, in the middle of its record's frame.
  fs::resize_file(segment, fs::file_size(segment) - 5);
  Spool spool(dir_.path(), committer_);
  EXPECT_EQ(spool.recovery().truncated_segments, 1u);
  EXPECT_EQ(fs::file_size(segment), intact);  // the whole attachment frame went too
  spool.Append(Record(2));
  const SpoolBatch batch = spool.ReadBatch(spool.AckedCursor(), 10, 4u << 20, true);
  EXPECT_EQ(batch.records, (std::vector<std::string>{Record(0), Record(2)}));
  EXPECT_EQ(batch.attachments, (std::vector<std::string>{"first image", ""}));
}

TEST_F(SpoolTest, AFlippedByteInAnAttachmentCutsItsRecordToo) {
  fs::path segment;
  {
    Spool spool(dir_.path(), committer_);
    spool.Append(Record(0));
    AppendWithAttachment(spool, Record(1), std::string(1000, 'x'));
    segment = OnlySegment(spool);
  }
  {
    std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
    const auto record_frame = spool_format::kHeaderBytes + Record(1).size();
    file.seekp(static_cast<std::streamoff>(fs::file_size(segment) - record_frame - 10));
    file.put('#');  // inside the attachment's payload
  }
  Spool spool(dir_.path(), committer_);
  EXPECT_EQ(spool.recovery().truncated_segments, 1u);
  EXPECT_EQ(ReadAll(spool), Records(0, 1));
}

TEST(SpoolCursorFileTest, SavesOverwriteTwoSlotsInPlaceAndLoadTheNewest) {
  testing::TempDir dir;
  const fs::path path = dir.path() / "cursor.x";
  spool_format::CursorFile file(path);
  file.Save(SpoolCursor{1, 100, 7});
  struct stat first {};
  ASSERT_EQ(::stat(path.c_str(), &first), 0);
  for (std::uint64_t i = 1; i <= 5; ++i) file.Save(SpoolCursor{2, 100 * i, 7 + i});
  struct stat later {};
  ASSERT_EQ(::stat(path.c_str(), &later), 0);
  EXPECT_EQ(later.st_ino, first.st_ino) << "a save made a new file";
  EXPECT_EQ(fs::file_size(path), 2 * spool_format::kCursorSlotBytes);
  EXPECT_EQ(spool_format::LoadCursor(path), (SpoolCursor{2, 500, 12}));
  // Reopened, the next save goes to the older slot again and the newest wins.
  spool_format::CursorFile reopened(path);
  reopened.Save(SpoolCursor{3, 0, 13});
  EXPECT_EQ(spool_format::LoadCursor(path), (SpoolCursor{3, 0, 13}));
}

TEST(SpoolCursorFileTest, ATornSlotFallsBackToTheSaveBeforeIt) {
  testing::TempDir dir;
  const fs::path path = dir.path() / "cursor";
  spool_format::CursorFile file(path);
  file.Save(SpoolCursor{1, 10, 1});
  file.Save(SpoolCursor{1, 20, 2});  // version 2: the first slot
  {
    std::fstream bytes(path, std::ios::in | std::ios::out | std::ios::binary);
    bytes.seekp(5);
    bytes.put('9');  // a write torn inside the newest slot
  }
  EXPECT_EQ(spool_format::LoadCursor(path), (SpoolCursor{1, 10, 1}));
  {
    std::fstream bytes(path, std::ios::in | std::ios::out | std::ios::binary);
    bytes.seekp(static_cast<std::streamoff>(spool_format::kCursorSlotBytes + 3));
    bytes.put('#');
  }
  EXPECT_EQ(CodeOf([&] { spool_format::LoadCursor(path); }), ErrorCode::kInternal);  // both bad: damage
}

TEST(SpoolCursorFileTest, TheOneLineFileOfEarlierVersionsLoadsAndIsConvertedOnTheFirstSave) {
  testing::TempDir dir;
  const fs::path path = dir.path() / "cursor.database";
  std::ofstream(path) << "4 1234 99\n";
  EXPECT_EQ(spool_format::LoadCursor(path), (SpoolCursor{4, 1234, 99}));
  spool_format::CursorFile file(path);
  file.Save(SpoolCursor{4, 2000, 100});
  EXPECT_EQ(fs::file_size(path), 2 * spool_format::kCursorSlotBytes);
  EXPECT_EQ(spool_format::LoadCursor(path), (SpoolCursor{4, 2000, 100}));
  std::ofstream(path) << "4 1234\n";
  EXPECT_EQ(CodeOf([&] { spool_format::LoadCursor(path); }), ErrorCode::kInternal);
}

}  // namespace
}  // namespace faceloop::events
