#include "service/schedules.hpp"

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

}  // namespace faceloop::service
