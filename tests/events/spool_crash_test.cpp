// kill -9 in the middle of appends: every append (with its attachment, and every object Put) that
// returned before the kill must be there after reopening, and no record may carry another's
// attachment. The child reports an index on a pipe only after its Append returned.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <future>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "events/spool.hpp"
#include "storage/local_object_store.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::events {
namespace {

constexpr int kWriterThreads = 4;
constexpr std::uint32_t kMaxIndex = 1'000'000;

// Built with append: GCC 12 raises a false -Wrestrict on "literal" + std::to_string().
std::string RecordFor(int round, std::uint32_t index) {
  return std::string(R"({"round":)")
      .append(std::to_string(round))
      .append(R"(,"index":)")
      .append(std::to_string(index))
      .append("}");
}

std::vector<std::uint8_t> ObjectFor(std::uint32_t index) {
  return std::vector<std::uint8_t>(1000 + index % 1000, static_cast<std::uint8_t>(index));
}

std::string KeyFor(int round, std::uint32_t index) {
  return std::string("inputs/r").append(std::to_string(round)).append("/").append(std::to_string(index)).append(".bin");
}

std::string AttachmentFor(std::uint32_t index) {
  const auto bytes = ObjectFor(index);
  return {bytes.begin(), bytes.end()};
}

// The records with i % 3 == 1 carry an attachment (an input image, on the request path).
bool HasAttachment(std::uint32_t index) { return index % 3 == 1; }

void AppendAndWait(Spool& spool, const std::string& record, const std::vector<std::uint8_t>& attachment) {
  std::promise<std::exception_ptr> done;
  spool.AppendAsync(record, attachment, [&done](std::exception_ptr error) { done.set_value(std::move(error)); });
  if (auto error = done.get_future().get()) std::rethrow_exception(error);
}

// Runs in the forked child until killed: writers append (and Put) and then report their index.
[[noreturn]] void RunChild(const std::filesystem::path& dir, int round, int report_fd) {
  try {
    storage::GroupCommitter committer;
    Spool spool(dir, committer, SpoolOptions{.segment_bytes = 64 * 1024});
    storage::LocalObjectStore store(dir / "objects", &committer);
    std::vector<std::thread> writers;
    for (int t = 0; t < kWriterThreads; ++t) {
      writers.emplace_back([&, t] {
        for (std::uint32_t i = t; i < kMaxIndex; i += kWriterThreads) {
          if (i % 3 == 0) store.Put(KeyFor(round, i), ObjectFor(i));
          if (HasAttachment(i)) {
            AppendAndWait(spool, RecordFor(round, i), ObjectFor(i));
          } else {
            spool.Append(RecordFor(round, i));
          }
          if (::write(report_fd, &i, sizeof(i)) != sizeof(i)) ::_exit(3);  // atomic: < PIPE_BUF
        }
      });
    }
    for (auto& writer : writers) writer.join();
  } catch (...) {
    ::_exit(2);
  }
  ::_exit(0);
}

// Forks a writer, kills it with SIGKILL after `kill_after` reported appends, returns every reported index.
std::set<std::uint32_t> RunAndKill(const std::filesystem::path& dir, int round, std::size_t kill_after) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::close(fds[0]);
    RunChild(dir, round, fds[1]);
  }
  ::close(fds[1]);
  std::set<std::uint32_t> reported;
  std::uint32_t index = 0;
  bool killed = false;
  // After the kill, the pipe still holds what the child reported before dying: read to EOF.
  while (::read(fds[0], &index, sizeof(index)) == sizeof(index)) {
    reported.insert(index);
    if (!killed && reported.size() >= kill_after) killed = ::kill(pid, SIGKILL) == 0;
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child exited early, status " << status;
  return reported;
}

TEST(SpoolCrashTest, EveryReturnedAppendSurvivesSigkill) {
  testing::TempDir dir;
  std::mt19937 rng(std::random_device{}());
  std::set<std::string> promised;
  for (int round = 0; round < 4; ++round) {
    const std::size_t kill_after = std::uniform_int_distribution<std::size_t>(1, 400)(rng);
    const auto reported = RunAndKill(dir.path(), round, kill_after);
    ASSERT_GE(reported.size(), kill_after);

    storage::GroupCommitter committer;
    Spool spool(dir.path(), committer);
    const auto batch = spool.ReadBatch(spool.AckedCursor(), 100'000'000, 1ull << 40, true);
    const auto& records = batch.records;
    const std::set<std::string> present(records.begin(), records.end());
    for (std::size_t r = 0; r < records.size(); ++r) {
      const std::string& record = records[r];
      const auto at = record.find(R"("index":)");
      ASSERT_NE(at, std::string::npos) << record;
      const auto index = static_cast<std::uint32_t>(std::stoul(record.substr(at + 8)));
      EXPECT_EQ(batch.attachments[r], HasAttachment(index) ? AttachmentFor(index) : "") << record;
    }
    EXPECT_EQ(present.size(), records.size()) << "a record was stored twice";
    storage::LocalObjectStore store(dir.path() / "objects");
    for (const std::uint32_t i : reported) {
      promised.insert(RecordFor(round, i));
      if (i % 3 == 0) {
        EXPECT_EQ(store.Get(KeyFor(round, i)), ObjectFor(i)) << "round " << round << " object " << i;
      }
    }
    for (const auto& record : promised) EXPECT_TRUE(present.count(record)) << "lost " << record;
    std::printf("round %d: killed after %zu reports, %zu reported, %zu records on disk, %llu bytes cut\n", round,
                kill_after, reported.size(), records.size(),
                static_cast<unsigned long long>(spool.recovery().truncated_bytes));
  }
}

}  // namespace
}  // namespace faceloop::events
