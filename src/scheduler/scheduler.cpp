#include "scheduler/scheduler.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/thread_name.hpp"
#include "telemetry/log.hpp"

namespace faceloop::scheduler {
namespace {

const telemetry::Logger kLog("scheduler");

/// The periods to consider, oldest first: the latest due one and up to catch_up - 1 before it.
std::vector<Period> DuePeriods(const Job& job, Time now) {
  Period latest = job.period_of(now);
  if (job.when == RunWhen::kEnd) {
    latest = job.period_of(job.period_of(now - job.grace).start - std::chrono::milliseconds(1));
  }
  std::vector<Period> periods{latest};
  for (int i = 1; i < std::max(1, job.catch_up); ++i) {
    periods.push_back(job.period_of(periods.back().start - std::chrono::milliseconds(1)));
  }
  std::reverse(periods.begin(), periods.end());
  return periods;
}

}  // namespace

Scheduler::Scheduler(db::IDatabase& database, std::unique_ptr<ILeaderLock> leader, SchedulerOptions options)
    : database_(database), runs_(database), leader_(std::move(leader)), options_(options) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Add(Job job) {
  if (thread_.joinable()) throw Error(ErrorCode::kInternal, "scheduler: jobs are added before Start");
  jobs_.push_back(std::move(job));
}

void Scheduler::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    NameThisThread("scheduler");
    Loop();
  });
}

void Scheduler::Stop() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  leader_->Release();
  leading_ = false;
}

bool Scheduler::Tick(Time now) {
  leading_ = leader_->Hold();
  if (!leading_) return false;
  for (const Job& job : jobs_) {
    try {
      RunDue(job, now);
    } catch (const std::exception& e) {  // the database is down: try again next tick
      kLog.Warn("job " + job.name + ": " + e.what());
    }
  }
  return true;
}

void Scheduler::RunDue(const Job& job, Time now) {
  const std::optional<std::string> first_key = runs_.FirstKey(job.name);
  std::vector<Period> periods = DuePeriods(job, now);
  // A new job starts with its latest period, not with a backlog from before it existed.
  if (!first_key) periods.erase(periods.begin(), periods.end() - 1);
  for (const Period& period : periods) {
    if (first_key && period.key < *first_key) continue;
    RunOne(job, period, now);
  }
  const Period latest = periods.back();
  if (latest.end - latest.start < std::chrono::hours(1)) runs_.Prune(job.name, now - options_.keep_frequent_runs);
}

void Scheduler::RunOne(const Job& job, const Period& period, Time now) {
  if (!runs_.Claim(job.name, period.key, now, options_.stale_run)) return;
  try {
    job.run(period);
    runs_.Finish(job.name, period.key, std::chrono::system_clock::now());
  } catch (const std::exception& e) {
    kLog.Warn("job " + job.name + " period " + period.key + " failed: " + e.what());
    runs_.Fail(job.name, period.key, std::chrono::system_clock::now(), e.what());
  }
}

void Scheduler::Loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    Tick(std::chrono::system_clock::now());
    lock.lock();
    wake_.wait_for(lock, options_.tick, [this] { return stop_; });
  }
}

}  // namespace faceloop::scheduler
