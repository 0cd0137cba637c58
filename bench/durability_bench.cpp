// What durability costs: Put of 100 KiB objects into LocalObjectStore
//   - no sync at all (the page cache only; a crash can lose or tear objects),
//   - sync each Put on its own (temp file fdatasync + directory fsync per Put),
//   - group commit (one GroupCommitter, syncs shared by the Puts of a batch),
// each with 1 and 8 threads, then the items/s of each as a ratio to the no-sync run.
//
// Set FACELOOP_BENCH_DIR to a folder on the disk the service's data dir uses: the numbers say
// nothing on tmpfs, where a sync is free. Every run writes a few hundred MiB and deletes them.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "storage/group_commit.hpp"
#include "storage/local_object_store.hpp"

namespace {

namespace fs = std::filesystem;
using faceloop::storage::GroupCommitter;
using faceloop::storage::LocalObjectStore;

constexpr std::size_t kObjectBytes = 100 * 1024;
constexpr int kPutsPerThread = 400;
constexpr int kMaxThreads = 8;

enum class Mode { kNoSync, kSyncEach, kGroupCommit };

// Built with append rather than operator+: GCC 12 raises a false -Wrestrict on "t" + std::to_string().
std::string ThreadDir(int thread) {
  std::string dir = "t";
  dir.append(std::to_string(thread)).append("/");
  return dir;
}

fs::path BenchRoot() {
  const char* dir = std::getenv("FACELOOP_BENCH_DIR");
  return fs::path(dir != nullptr ? dir : fs::temp_directory_path().string()) / "faceloop-durability-bench";
}

// Shared by the threads of one run; thread 0 sets it up before the timed loop and tears it down after.
struct Shared {
  std::unique_ptr<GroupCommitter> committer;
  std::unique_ptr<LocalObjectStore> store;
  std::vector<std::uint8_t> object = std::vector<std::uint8_t>(kObjectBytes, 0x5a);
};
Shared shared;

void SetUp(Mode mode) {
  fs::remove_all(BenchRoot());
  if (mode == Mode::kGroupCommit) shared.committer = std::make_unique<GroupCommitter>();
  shared.store = std::make_unique<LocalObjectStore>(BenchRoot(), shared.committer.get());
  // Per-thread folders made up front, so the timed loop measures object writes, not mkdir.
  for (int t = 0; t < kMaxThreads; ++t) shared.store->Put(ThreadDir(t).append("warm"), shared.object);
  ::sync();  // start every run with a clean page cache: no earlier run's dirty data to flush
}

void TearDown(benchmark::State& state) {
  if (shared.committer) {
    const auto stats = shared.committer->Stats();
    state.counters["puts_per_batch"] = static_cast<double>(stats.items) / static_cast<double>(stats.batches);
  }
  shared.store.reset();
  shared.committer.reset();
  fs::remove_all(BenchRoot());
  ::sync();
}

void PutOne(Mode mode, const std::string& key) {
  if (mode != Mode::kNoSync) {
    shared.store->Put(key, shared.object);
    return;
  }
  faceloop::storage::SyncSet sync;
  shared.store->PutNoSync(key, shared.object, sync);
  faceloop::storage::ApplyWithoutSync(sync);
}

void RunPuts(benchmark::State& state, Mode mode) {
  if (state.thread_index() == 0) SetUp(mode);
  const std::string prefix = ThreadDir(state.thread_index());
  int i = 0;
  for (auto _ : state) PutOne(mode, std::string(prefix).append(std::to_string(i++)));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kObjectBytes));
  if (state.thread_index() == 0) TearDown(state);
}

void BM_PutNoSync(benchmark::State& state) { RunPuts(state, Mode::kNoSync); }
void BM_PutSyncEach(benchmark::State& state) { RunPuts(state, Mode::kSyncEach); }
void BM_PutGroupCommit(benchmark::State& state) { RunPuts(state, Mode::kGroupCommit); }

#define DURABILITY_BENCH(fn)       \
  BENCHMARK(fn)                    \
      ->Iterations(kPutsPerThread) \
      ->Threads(1)                 \
      ->Threads(kMaxThreads)       \
      ->UseRealTime()              \
      ->Unit(benchmark::kMicrosecond)
DURABILITY_BENCH(BM_PutNoSync);
DURABILITY_BENCH(BM_PutSyncEach);
DURABILITY_BENCH(BM_PutGroupCommit);

// The console table, then items/s of each durable mode relative to no-sync at the same thread count.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& run : runs) {
      const auto it = run.counters.find("items_per_second");
      if (it != run.counters.end()) rates_[{run.run_name.function_name, run.threads}] = it->second.value;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nPut %zu KiB objects, items/s (ratio to no sync at the same thread count):\n", kObjectBytes / 1024);
    for (const int threads : {1, kMaxThreads}) {
      const double base = rates_[{"BM_PutNoSync", threads}];
      for (const char* name : {"BM_PutNoSync", "BM_PutSyncEach", "BM_PutGroupCommit"}) {
        const double rate = rates_[{name, threads}];
        std::printf("  %-18s %d thread(s): %9.0f items/s  %6.3fx\n", name + 6, threads, rate,
                    base > 0 ? rate / base : 0);
      }
    }
  }

 private:
  std::map<std::pair<std::string, int>, double> rates_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
