// The detection workers: admission by expected wait, failures reported, shutdown finishing work.
#include "detect/detect_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "common/error.hpp"

namespace faceloop::detect {
namespace {

using namespace std::chrono_literals;

DetectorRegistry& Registry() {
  static DetectorRegistry registry(ModelPaths{FACELOOP_MODELS_DIR});
  return registry;
}

void WaitForMean(const DetectPool& pool) {
  for (int i = 0; i < 1000 && pool.MeanJobSeconds() == 0; ++i) std::this_thread::sleep_for(1ms);
}

// "haar" needs only Debian's opencv-data: the pool is tested, not a network.
constexpr const char* kModel = "haar";

TEST(DetectPoolTest, RunsJobsWithADetectorOfTheModel) {
  DetectPool pool(Registry(), {.workers = 2});
  std::string seen;
  pool.Run(kModel, [&seen](IDetector& detector) { seen = detector.info().name; });
  EXPECT_EQ(seen, "haar");
  WaitForMean(pool);  // recorded just after the job returns
  EXPECT_GT(pool.MeanJobSeconds(), 0);
}

TEST(DetectPoolTest, FailuresReachTheirCaller) {
  DetectPool pool(Registry(), {.workers = 1});
  EXPECT_THROW(pool.Run("no-such-model", [](IDetector&) {}), Error);
  try {
    pool.Run(kModel, [](IDetector&) { throw Error(ErrorCode::kBadRequest, "corrupt"); });
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
  }
}

TEST(DetectPoolTest, RefusesWorkThatWouldWaitPastTheDeadline) {
  // One job of ~500 ms teaches the pool its job time (loading the detector is not timed: under
  // ASan on a busy machine it took over 300 ms); with a deadline of 800 ms one job ahead fits, two
  // do not, whatever the machine's load adds to the first job.
  DetectPool pool(Registry(), {.workers = 1, .max_wait = 800ms});
  pool.Run(kModel, [](IDetector&) { std::this_thread::sleep_for(500ms); });
  WaitForMean(pool);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> ran{0};
  auto job = [released, &ran](IDetector&) {
    released.wait();
    ++ran;
  };
  auto ignore = [](std::exception_ptr) {};
  pool.Submit(kModel, job, ignore);  // taken by the worker
  while (pool.QueueDepth() != 0) std::this_thread::sleep_for(1ms);
  pool.Submit(kModel, job, ignore);  // 1 ahead x ~500 ms: admitted
  try {
    pool.Submit(kModel, job, ignore);  // 2 ahead: ~1000 ms > 800 ms
    FAIL() << "admitted past the deadline";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  }
  release.set_value();
  while (ran.load() != 2) std::this_thread::sleep_for(1ms);
}

TEST(DetectPoolTest, HardQueueBoundHolds) {
  DetectPool pool(Registry(), {.workers = 1, .max_wait = 10s, .max_queue = 1});
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto job = [released](IDetector&) { released.wait(); };
  auto ignore = [](std::exception_ptr) {};
  pool.Submit(kModel, job, ignore);
  while (pool.QueueDepth() != 0) std::this_thread::sleep_for(1ms);
  pool.Submit(kModel, job, ignore);
  EXPECT_THROW(pool.Submit(kModel, job, ignore), Error);
  release.set_value();
}

TEST(DetectPoolTest, DestructionFinishesQueuedJobs) {
  std::atomic<int> ran{0};
  {
    DetectPool pool(Registry(), {.workers = 2});
    for (int i = 0; i < 20; ++i)
      pool.Submit(
          kModel, [&ran](IDetector&) { ++ran; }, [](std::exception_ptr) {});
  }
  EXPECT_EQ(ran.load(), 20);
}

}  // namespace
}  // namespace faceloop::detect
