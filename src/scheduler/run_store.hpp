#pragma once
// The `job_runs` table: one row per job and period (its primary key), so each period is produced
// once, whichever process leads, and a run that failed or was cut short is tried again.
#include <optional>
#include <string>

#include "db/database.hpp"
#include "scheduler/job.hpp"

namespace faceloop::scheduler {

enum class RunState { kRunning, kDone, kFailed };

struct RunRow {
  RunState state = RunState::kRunning;
  std::int64_t attempts = 0;
  Time started_at;
};

class RunStore {
 public:
  explicit RunStore(db::IDatabase& database) : database_(database) {}

  std::optional<RunRow> Find(const std::string& job, const std::string& period_key);
  /// Marks the run started unless it is done or (started less than `stale` ago) still running
  /// elsewhere; whether this caller may run it. Atomic: of two callers at most one gets true.
  bool Claim(const std::string& job, const std::string& period_key, Time now, std::chrono::seconds stale);
  void Finish(const std::string& job, const std::string& period_key, Time now);
  void Fail(const std::string& job, const std::string& period_key, Time now, const std::string& error);
  /// The earliest period key the job has a row for; none before its first run (a job's first
  /// start runs only its latest period).
  std::optional<std::string> FirstKey(const std::string& job);
  /// Deletes the job's rows of runs started before `before` (frequent jobs only).
  void Prune(const std::string& job, Time before);

 private:
  db::IDatabase& database_;
};

}  // namespace faceloop::scheduler
