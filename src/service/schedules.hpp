#pragma once
// The scheduled side of the service, wired in one place for `serve` and `worker`: the scheduler
// (leader by the database's lock), the alert job on it, and the outbox dispatcher. Other modules
// add their jobs with AddJob before Start (reports: daily, weekly, monthly).
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "alerts/dispatcher.hpp"
#include "alerts/evaluator.hpp"
#include "alerts/url_policy.hpp"
#include "db/database.hpp"
#include "mail/mailer.hpp"
#include "reports/reporter.hpp"
#include "scheduler/scheduler.hpp"
#include "service/config.hpp"

namespace faceloop::service {

class Schedules {
 public:
  /// `mailer` may be null (no SMTP). `new_id` makes time-ordered ids (events, outbox rows).
  Schedules(const Config& config, db::IDatabase& database, mail::IMailer* mailer, std::function<std::string()> new_id);
  ~Schedules();
  Schedules(const Schedules&) = delete;
  Schedules& operator=(const Schedules&) = delete;

  void AddJob(scheduler::Job job);
  /// Starts the scheduler's and the dispatcher's threads.
  void Start();
  void Stop();

  const alerts::UrlPolicy& webhook_policy() const { return policy_; }
  bool leading() const { return scheduler_.leading(); }

 private:
  alerts::UrlPolicy policy_;
  alerts::Evaluator evaluator_;
  alerts::Dispatcher dispatcher_;
  scheduler::Scheduler scheduler_;
  bool started_ = false;
};

/// The reports' jobs: each day, week and month of the reporter's time zone, produced and e-mailed
/// once it has ended and `grace` has passed (missed ones caught up, three at most).
void AddReportJobs(Schedules& schedules, reports::Reporter& reporter, std::chrono::minutes grace);
/// `purge` once a day (UTC), for the retention policy.
void AddPurgeJob(Schedules& schedules, std::function<void()> purge);

}  // namespace faceloop::service
