// `faceloop rate-mail --now | --at TIME`: the rating e-mail job once, on demand (tests, and an
// operator who wants this period's e-mails out now): the period holding TIME (default now), with
// its requests up to TIME. The same rating_emails claims as the scheduled job, so nobody is mailed
// twice in a period, whoever runs it.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>

#include "accounts/pepper.hpp"
#include "cli/service_commands.hpp"
#include "common/error.hpp"
#include "common/time.hpp"
#include "db/open.hpp"
#include "service/backends.hpp"
#include "service/rating_job.hpp"

namespace faceloop::cli {
namespace {

struct RateMailFlags {
  bool now = false;
  std::string at;
  std::string data_dir;
  std::string config_file;
};

int Run(const RateMailFlags& flags) {
  if (flags.now == !flags.at.empty()) throw Error(ErrorCode::kBadRequest, "give one of --now and --at TIME");
  const auto at = flags.now ? std::chrono::system_clock::now() : ParseTimestamp(flags.at);
  service::ConfigFlags config_flags;
  if (!flags.data_dir.empty()) config_flags.data_dir = flags.data_dir;
  if (!flags.config_file.empty()) config_flags.config_file = flags.config_file;
  const service::Config config = service::ResolveConfig(config_flags);
  if (!service::RatingEmailsEnabled(config)) {
    throw Error(ErrorCode::kBadRequest, "rating e-mails need [rating] enabled and a mail server (smtp.url)");
  }
  const auto database = db::Open(config.backends.database_url, config.data_dir);
  const auto mailer = service::OpenMailer(config);
  service::RatingEmails emails(config, *database, *mailer, accounts::LoadOrCreatePepper(service::PepperPath(config)));
  rating::Window window = emails.PeriodAt(at);
  window.end = std::min(window.end, at + std::chrono::milliseconds(1));  // up to and including AT
  const int sent = emails.Send(window, std::chrono::system_clock::now());
  std::cout << sent << " rating e-mails sent for the period from " << FormatTimestamp(window.period_start) << "\n";
  return 0;
}

}  // namespace

Action RegisterRateMail(CLI::App& app) {
  CLI::App* command = app.add_subcommand("rate-mail", "send the rating e-mails of the current period now");
  auto flags = std::make_shared<RateMailFlags>();
  command->add_flag("--now", flags->now, "the period holding now, with its requests so far");
  command->add_option("--at", flags->at, "an RFC 3339 time: the period holding it, requests up to it");
  command->add_option("--data-dir", flags->data_dir, "data folder of the service (default ./data)");
  command->add_option("--config", flags->config_file, "TOML configuration file ([rating], [smtp])");
  return [flags] { return Run(*flags); };
}

}  // namespace faceloop::cli
