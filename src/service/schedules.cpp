#include "service/schedules.hpp"

#include "common/time.hpp"

namespace faceloop::service {
namespace {

alerts::DispatcherOptions DispatcherOptionsFor(const AlertsConfig& alerts) {
  alerts::DispatcherOptions options;
  options.poll = std::chrono::milliseconds(alerts.dispatch_poll_ms);
  options.retry_base = std::chrono::milliseconds(alerts.retry_base_ms);
  options.retry_max = std::chrono::seconds(alerts.retry_max_s);
  options.max_age = std::chrono::hours(alerts.max_age_h);
  return options;
}

scheduler::SchedulerOptions SchedulerOptionsFor(const Config& config) {
  scheduler::SchedulerOptions options;
  // A tick at least as often as the alert interval, or evaluations would be skipped.
  options.tick = std::min(std::chrono::milliseconds(config.scheduler.tick_ms),
                          std::chrono::milliseconds(std::chrono::seconds(config.alerts.interval_s)));
  return options;
}

// Report periods missed while no process led (down over a long weekend) that are still produced.
constexpr int kReportCatchUp = 3;

}  // namespace

Schedules::Schedules(const Config& config, db::IDatabase& database, mail::IMailer* mailer,
                     std::function<std::string()> new_id)
    : policy_(config.alerts.webhook_allow),
      evaluator_(database, config.insights, std::move(new_id)),
      dispatcher_(database, mailer, policy_, DispatcherOptionsFor(config.alerts)),
      scheduler_(database, scheduler::MakeLeaderLock(config.backends.database_url), SchedulerOptionsFor(config)) {
  scheduler_.Add({"alerts.evaluate", scheduler::EveryPeriod(std::chrono::seconds(config.alerts.interval_s)),
                  scheduler::RunWhen::kStart, 1,
                  [this](const scheduler::Period& period) { evaluator_.EvaluateAll(period.start); }});
}

Schedules::~Schedules() { Stop(); }

void Schedules::AddJob(scheduler::Job job) { scheduler_.Add(std::move(job)); }

void Schedules::Start() {
  started_ = true;
  scheduler_.Start();
  dispatcher_.Start();
}

void Schedules::Stop() {
  if (!started_) return;
  scheduler_.Stop();
  dispatcher_.Stop();
  started_ = false;
}

void AddReportJobs(Schedules& schedules, reports::Reporter& reporter, std::chrono::minutes grace) {
  for (const reports::Period period : {reports::Period::kDay, reports::Period::kWeek, reports::Period::kMonth}) {
    const auto window_at = [&reporter, period](scheduler::Time at) {
      return reports::PeriodAt(period, at, reporter.zone());
    };
    schedules.AddJob({"reports." + std::string(reports::PeriodName(period)),
                      [window_at](scheduler::Time at) {
                        const reports::PeriodWindow window = window_at(at);
                        return scheduler::Period{FormatTimestamp(window.start), window.start, window.end};
                      },
                      scheduler::RunWhen::kEnd, kReportCatchUp,
                      [&reporter, window_at](const scheduler::Period& due) {
                        (void)reporter.Produce(window_at(due.start), true, std::chrono::system_clock::now());
                      },
                      grace});
  }
}

void AddPurgeJob(Schedules& schedules, std::function<void()> purge) {
  schedules.AddJob({"retention.purge", scheduler::CalendarPeriod("day"), scheduler::RunWhen::kEnd, 1,
                    [purge = std::move(purge)](const scheduler::Period&) { purge(); }});
}

}  // namespace faceloop::service
