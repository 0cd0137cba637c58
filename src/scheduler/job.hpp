#pragma once
// What the scheduler runs: named jobs, each with its periods (the period containing a time) and
// whether a period is run as soon as it starts (alert evaluation: "every minute") or once it has
// ended (reports: yesterday's, last week's). Other modules register their jobs through this
// interface only; the scheduler knows nothing about what a job does.
#include <chrono>
#include <functional>
#include <string>

namespace faceloop::scheduler {

using Time = std::chrono::system_clock::time_point;

/// One period of a job: [start, end), with a stable key (the unique key of its run).
struct Period {
  std::string key;
  Time start;
  Time end;
};

/// The period containing a time. Must be consistent: every time in [start, end) gives the same one.
using PeriodOf = std::function<Period(Time)>;

/// Periods of `every` (e.g. 60 s) counted from the Unix epoch; keyed by their start (RFC 3339).
PeriodOf EveryPeriod(std::chrono::milliseconds every);
/// Calendar periods in UTC: "hour", "day", "week" (ISO, from Monday) or "month"; keyed by their
/// start. (A time zone is the job's own PeriodOf.) Throws Error(kBadRequest) for another name.
PeriodOf CalendarPeriod(const std::string& unit);

enum class RunWhen {
  kStart,  ///< the period holding now runs at once (evaluations)
  kEnd,    ///< the latest period that has ended runs (reports over a finished period)
};

struct Job {
  std::string name;  ///< stable: the job column of job_runs
  PeriodOf period_of;
  RunWhen when = RunWhen::kEnd;
  /// How many past due periods a returning leader still runs (missed runs); 1 = only the latest.
  int catch_up = 1;
  /// Does the work of `period`. Throws to mark the run failed: it is retried on the next tick.
  std::function<void(const Period&)> run;
  /// kEnd only: how long after its end a period becomes due, so that what arrives late (records
  /// held back in another process's spool) is in it.
  std::chrono::seconds grace{0};
};

}  // namespace faceloop::scheduler
