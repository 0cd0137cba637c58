// `faceloop report --period day|week|month --at DATE [--send]`: builds (or reads back) the report
// of the period holding the local date DATE in reports.time_zone, prints its JSON, and with
// --send e-mails it to reports.recipients unless it went out already. The same Reporter the
// scheduler calls, so a report made here is not made again there.
#include <chrono>
#include <iostream>
#include <memory>

#include "cli/insights_analyses.hpp"
#include "cli/service_commands.hpp"
#include "db/open.hpp"
#include "reports/report_json.hpp"
#include "reports/reporter.hpp"
#include "service/backends.hpp"

namespace faceloop::cli {
namespace {

struct ReportFlags {
  std::string period = "week";
  std::string at;
  bool send = false;
  std::string data_dir;
  std::string config_file;
};

int Run(const ReportFlags& flags) {
  const service::Config config = ResolveInsightsConfig(flags.data_dir, flags.config_file);
  // Checked before the database opens: a typo fails fast and touches nothing.
  const reports::Period period = reports::ParsePeriod(flags.period, "--period");
  const auto day = reports::ParseLocalDate(flags.at, "--at");
  const auto database = db::Open(config.backends.database_url, config.data_dir);
  const auto mailer = service::OpenMailer(config);
  reports::Reporter reporter(
      *database, mailer.get(),
      {config.reports.time_zone, config.reports.recipients, config.reports.base_url, config.insights});
  const reports::Produced produced =
      reporter.Produce(reports::PeriodOf(period, day, reporter.zone()), flags.send, std::chrono::system_clock::now());
  std::cerr << "report " << produced.stored.id << (produced.created ? " built" : " read back") << ", " << produced.sent
            << " e-mails sent\n";
  std::cout << reports::ToJson(produced.stored.report).dump(2) << "\n";
  return 0;
}

}  // namespace

Action RegisterReport(CLI::App& app) {
  CLI::App* report = app.add_subcommand("report", "build (once) and optionally e-mail a period's report");
  auto flags = std::make_shared<ReportFlags>();
  report->add_option("--period", flags->period, "day, week or month")->capture_default_str();
  report->add_option("--at", flags->at, "a local date (YYYY-MM-DD) in the period, in reports.time_zone")->required();
  report->add_flag("--send", flags->send, "e-mail it to reports.recipients unless it was sent already");
  report->add_option("--data-dir", flags->data_dir, "data folder of the service (default ./data)");
  report->add_option("--config", flags->config_file, "TOML configuration file");
  return [flags] { return Run(*flags); };
}

}  // namespace faceloop::cli
