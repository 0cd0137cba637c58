// `faceloop worker`: the scheduler (alerts, later reports) and the notification outbox without the
// HTTP API, for deployments that keep them off the API nodes (run those with scheduler.enabled =
// false). Several workers may run: one leads (docs/alerts.md). SIGTERM/SIGINT stop it.
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX sigaction; <csignal> need not declare it
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <memory>

#include "accounts/pepper.hpp"
#include "accounts/secrets.hpp"
#include "cli/service_commands.hpp"
#include "common/error.hpp"
#include "db/open.hpp"
#include "service/backends.hpp"
#include "service/rating_job.hpp"
#include "service/schedules.hpp"
#include "telemetry/log.hpp"

namespace faceloop::cli {
namespace {

struct WorkerFlags {
  std::string data_dir;
  std::string config_file;
};

int g_worker_stop_pipe = -1;

void OnWorkerStop(int /*signal*/) {
  const char byte = 1;
  [[maybe_unused]] const ssize_t written = ::write(g_worker_stop_pipe, &byte, 1);  // async-signal-safe
}

int Work(const WorkerFlags& flags) {
  const service::Config config = service::ResolveConfig(
      {std::nullopt, flags.data_dir.empty() ? std::nullopt : std::optional<std::string>(flags.data_dir), std::nullopt,
       flags.config_file.empty() ? std::nullopt : std::optional<std::string>(flags.config_file)});
  telemetry::ConfigureLogging(
      {telemetry::ParseLogLevel(config.log.level), telemetry::ParseLogFormat(config.log.format)});
  const accounts::Crypto crypto(accounts::LoadOrCreatePepper(service::PepperPath(config)));
  const auto database = db::Open(config.backends.database_url, config.data_dir);
  const auto mailer = service::OpenMailer(config);
  service::Schedules schedules(config, *database, mailer.get(), [&crypto] { return crypto.NewTimeOrderedId(); });
  reports::Reporter reporter(*database, mailer.get(), service::ReporterOptionsFor(config));
  service::AddReportJobs(schedules, reporter, std::chrono::minutes(config.reports.grace_minutes));
  service::AddPurgeJob(schedules, [&config, &database] { (void)service::PurgeConfigured(config, *database, false); });
  std::unique_ptr<service::RatingEmails> rating;
  if (service::RatingEmailsEnabled(config) && mailer) {
    rating = std::make_unique<service::RatingEmails>(config, *database, *mailer,
                                                     accounts::LoadOrCreatePepper(service::PepperPath(config)));
    service::AddRatingJob(schedules, *rating);
  }

  int fds[2];
  if (::pipe(fds) != 0) throw Error(ErrorCode::kInternal, "cannot create the stop pipe");
  g_worker_stop_pipe = fds[1];
  struct sigaction action {};
  action.sa_handler = OnWorkerStop;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);

  schedules.Start();
  std::cout << "worker running" << std::endl;
  char byte = 0;
  while (::read(fds[0], &byte, 1) < 0 && errno == EINTR) {
  }
  schedules.Stop();
  return 0;
}

}  // namespace

Action RegisterWorker(CLI::App& app) {
  CLI::App* command =
      app.add_subcommand("worker", "run the scheduler (alerts, reports, retention purge) without the HTTP API");
  auto flags = std::make_shared<WorkerFlags>();
  command->add_option("--data-dir", flags->data_dir, "folder for the database and pepper (default ./data)");
  command->add_option("--config", flags->config_file, "TOML configuration file");
  return [flags] { return Work(*flags); };
}

}  // namespace faceloop::cli
