#include "storage/group_commit.hpp"

#include <atomic>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "storage/local_object_store.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::storage {
namespace {

using namespace std::chrono_literals;

// Strings are built with append: GCC 12 raises a false -Wrestrict on "literal" + std::to_string().
std::string Key(int thread, int i) {
  std::string key = "t";
  key.append(std::to_string(thread)).append("/").append(std::to_string(i));
  return key;
}

std::vector<std::uint8_t> Payload(int thread, int i) {
  const std::string text = std::string("object ").append(Key(thread, i)).append(300, 'x');
  return {text.begin(), text.end()};
}

// Blocks the committer thread inside a write until Release(), so tests can fill the queue.
class Blocker {
 public:
  explicit Blocker(GroupCommitter& committer)
      : done_(std::async(std::launch::async, [this, &committer] {
          committer.Submit([this](SyncSet&) {
            started_.set_value();
            release_.get_future().wait();
          });
        })) {
    started_.get_future().wait();
  }
  void Release() {
    release_.set_value();
    done_.get();
  }

 private:
  std::promise<void> started_;
  std::promise<void> release_;
  std::future<void> done_;  // declared last: the task uses the promises above
};

void WaitForQueueDepth(const GroupCommitter& committer, std::size_t depth) {
  while (committer.Stats().queue_depth != depth) std::this_thread::sleep_for(1ms);
}

TEST(GroupCommitTest, ConcurrentPutsShareSyncs) {
  testing::TempDir dir;
  GroupCommitter committer;
  LocalObjectStore store(dir.path(), &committer);
  constexpr int kThreads = 8;
  constexpr int kPuts = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPuts; ++i) store.Put(Key(t, i), Payload(t, i));
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(store.List("").size(), static_cast<std::size_t>(kThreads * kPuts));
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPuts; i += 37) EXPECT_EQ(store.Get(Key(t, i)), Payload(t, i));
  }
  const auto stats = committer.Stats();
  EXPECT_EQ(stats.items, static_cast<std::uint64_t>(kThreads * kPuts));
  EXPECT_EQ(stats.failed_items, 0u);
  EXPECT_LT(stats.batches, stats.items);
  EXPECT_LE(stats.syncs, 2 * stats.batches);  // files, then directories: at most two syncs a batch
  EXPECT_EQ(stats.queue_depth, 0u);
  std::printf("8x200 Puts: %llu batches, %llu syncs\n", static_cast<unsigned long long>(stats.batches),
              static_cast<unsigned long long>(stats.syncs));
}

TEST(GroupCommitTest, FullQueueRefusesWithUnavailable) {
  GroupCommitter committer(GroupCommitOptions{.max_queue = 1});
  Blocker blocker(committer);
  auto queued = std::async(std::launch::async, [&] { committer.Submit([](SyncSet&) {}); });
  WaitForQueueDepth(committer, 1);
  try {
    committer.Submit([](SyncSet&) { ADD_FAILURE() << "a refused write must not run"; });
    ADD_FAILURE() << "Submit on a full queue did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  }
  blocker.Release();
  EXPECT_NO_THROW(queued.get());
  EXPECT_EQ(committer.Stats().rejected, 1u);
}

TEST(GroupCommitTest, FailingWriteFailsOnlyItsCaller) {
  testing::TempDir dir;
  GroupCommitter committer;
  LocalObjectStore store(dir.path(), &committer);
  Blocker blocker(committer);  // so both writes below land in one batch
  auto bad = std::async(std::launch::async,
                        [&] { committer.Submit([](SyncSet&) { throw Error(ErrorCode::kUnprocessable, "boom"); }); });
  auto good = std::async(std::launch::async, [&] { store.Put("ok", Payload(0, 0)); });
  WaitForQueueDepth(committer, 2);
  blocker.Release();
  try {
    bad.get();
    ADD_FAILURE() << "the failing write's caller saw no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnprocessable);
  }
  EXPECT_NO_THROW(good.get());
  EXPECT_EQ(store.Get("ok"), Payload(0, 0));
  EXPECT_EQ(committer.Stats().failed_items, 1u);
}

TEST(GroupCommitTest, FailedRenameReportsAndCleansUp) {
  testing::TempDir dir;
  GroupCommitter committer;
  LocalObjectStore store(dir.path(), &committer);
  store.Put("taken/child", Payload(0, 0));
  EXPECT_THROW(store.Put("taken", Payload(0, 1)), Error);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename().string().find('~'), std::string::npos) << entry.path();
  }
}

TEST(GroupCommitTest, HooksSeeTheOutcome) {
  testing::TempDir dir;
  GroupCommitter committer;
  LocalObjectStore store(dir.path());
  bool durable = false;
  committer.Submit([&](SyncSet& sync) {
    store.PutNoSync("a", Payload(0, 0), sync);
    sync.OnDone([&](bool ok) { durable = ok; });
  });
  EXPECT_TRUE(durable);
  EXPECT_EQ(store.Get("a"), Payload(0, 0));

  SyncSet direct;
  store.PutNoSync("b", Payload(0, 1), direct);
  EXPECT_FALSE(store.Exists("b"));  // invisible until committed
  direct.OnDone([&](bool ok) { durable = !ok; });
  CommitNow(direct);
  EXPECT_FALSE(durable);
  EXPECT_TRUE(store.Exists("b"));
}

TEST(GroupCommitTest, ShutdownDrainsTheQueue) {
  GroupCommitter committer;
  Blocker blocker(committer);
  std::atomic<int> ran{0};
  std::vector<std::future<void>> writers;
  for (int i = 0; i < 5; ++i) {
    writers.push_back(std::async(std::launch::async, [&] { committer.Submit([&](SyncSet&) { ++ran; }); }));
  }
  WaitForQueueDepth(committer, 5);
  auto shutdown = std::async(std::launch::async, [&] { committer.Shutdown(); });
  blocker.Release();
  shutdown.get();
  for (auto& writer : writers) EXPECT_NO_THROW(writer.get());
  EXPECT_EQ(ran.load(), 5);
  EXPECT_THROW(committer.Submit([](SyncSet&) {}), Error);
}

TEST(GroupCommitTest, AsyncWritesReportOnceDurableAndCanChain) {
  faceloop::testing::TempDir dir;
  GroupCommitter committer;
  LocalObjectStore store(dir.path(), &committer);
  const std::vector<std::uint8_t> bytes = {1, 2, 3};
  std::promise<std::exception_ptr> second;
  // The first write's callback queues the second one: a completion may submit more work.
  store.PutAsync("a/1", bytes, [&](std::exception_ptr error) {
    EXPECT_FALSE(error);
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "a/1"));  // renamed before the callback
    store.PutAsync("a/2", bytes, [&](std::exception_ptr e) { second.set_value(e); });
  });
  EXPECT_FALSE(second.get_future().get());
  EXPECT_EQ(store.Get("a/2"), bytes);
  EXPECT_GE(committer.Stats().batches, 2u);
}

TEST(GroupCommitTest, AsyncFailureAndFullQueue) {
  GroupCommitter committer(GroupCommitOptions{.max_queue = 1});
  std::promise<std::exception_ptr> failed;
  {
    Blocker blocker(committer);
    committer.SubmitAsync([](SyncSet&) { throw Error(ErrorCode::kInternal, "disk on fire"); },
                          [&](std::exception_ptr e) { failed.set_value(e); });
    WaitForQueueDepth(committer, 1);
    try {
      committer.SubmitAsync([](SyncSet&) {}, [](std::exception_ptr) { ADD_FAILURE() << "refused work reported"; });
      ADD_FAILURE() << "SubmitAsync on a full queue did not throw";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    }
    blocker.Release();
  }
  const std::exception_ptr error = failed.get_future().get();
  ASSERT_TRUE(error);
  EXPECT_THROW(std::rethrow_exception(error), Error);
}

TEST(GroupCommitTest, ShutdownRunsQueuedAsyncWork) {
  std::atomic<int> done{0};
  {
    GroupCommitter committer;
    for (int i = 0; i < 50; ++i) committer.SubmitAsync([](SyncSet&) {}, [&done](std::exception_ptr) { ++done; });
  }
  EXPECT_EQ(done.load(), 50);
}

}  // namespace
}  // namespace faceloop::storage
