#pragma once
// Runs the registered jobs (job.hpp) on the leading process (leader.hpp): every tick the leader
// looks at each job's due periods, claims each one in `job_runs` (run_store.hpp) and runs it. A
// period already done is never run again; one that failed is retried on the next tick; periods
// missed while no process led are caught up (up to the job's catch_up) when one comes back.
// Jobs run one after another on the scheduler's thread: a job that must not be held up by another
// (deliveries) runs its slow part elsewhere.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "db/database.hpp"
#include "scheduler/job.hpp"
#include "scheduler/leader.hpp"
#include "scheduler/run_store.hpp"

namespace faceloop::scheduler {

struct SchedulerOptions {
  /// How often the leader looks for due periods and a follower asks for the lock.
  std::chrono::milliseconds tick{5000};
  /// A run still marked running after this long was abandoned by a dead leader: run it again.
  std::chrono::seconds stale_run{600};
  /// Runs of jobs whose periods are shorter than an hour are forgotten after this long.
  std::chrono::hours keep_frequent_runs{48};
};

class Scheduler {
 public:
  Scheduler(db::IDatabase& database, std::unique_ptr<ILeaderLock> leader, SchedulerOptions options);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Registers a job; before Start only.
  void Add(Job job);
  void Start();
  /// Stops the thread after its current job and releases the lock.
  void Stop();

  /// One tick at `now` (the thread calls it; tests call it directly): takes or checks the lock,
  /// then, when leading, runs every due period. Returns whether this process leads.
  bool Tick(Time now);
  bool leading() const { return leading_.load(); }

 private:
  void RunDue(const Job& job, Time now);
  void RunOne(const Job& job, const Period& period, Time now);
  void Loop();

  db::IDatabase& database_;
  RunStore runs_;
  std::unique_ptr<ILeaderLock> leader_;
  const SchedulerOptions options_;
  std::vector<Job> jobs_;
  std::atomic<bool> leading_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace faceloop::scheduler
