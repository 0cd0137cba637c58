// `faceloop insights summary`: the insights of GET /v1/insights/summary, read from the configured
// database directly (SQLite in the data folder or PostgreSQL), for operators and scripts.
// `faceloop insights rebuild`: recomputes the rollups from the stored records. Drift and feedback:
// insights_analyses.cpp.
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <utility>

#include "cli/insights_analyses.hpp"
#include "cli/service_commands.hpp"
#include "common/error.hpp"
#include "db/open.hpp"
#include "insights/rollups.hpp"
#include "insights/summary.hpp"
#include "service/config.hpp"

namespace faceloop::cli {
namespace {

struct InsightsFlags {
  std::string from, to, bucket;
  CLI::Option* from_option = nullptr;  // given or not: an empty value is given, and refused
  CLI::Option* to_option = nullptr;
  CLI::Option* bucket_option = nullptr;
  std::string format = "table";
  std::string data_dir;
  std::string config_file;
};

std::optional<std::string> IfGiven(const CLI::Option* option, const std::string& value) {
  if (option->count() == 0) return std::nullopt;
  return value;
}

int Rebuild(const InsightsFlags& flags) {
  const service::Config config = ResolveInsightsConfig(flags.data_dir, flags.config_file);
  const auto database = db::Open(config.backends.database_url, config.data_dir);
  std::cout << "rollups rebuilt from " << insights::RebuildRollups(*database) << " records\n";
  return 0;
}

int Summary(const InsightsFlags& flags) {
  if (flags.format != "json" && flags.format != "table") {
    throw Error(ErrorCode::kUnprocessable, "parameter format must be json or table");
  }
  const service::Config config = ResolveInsightsConfig(flags.data_dir, flags.config_file);
  // Checked before the database opens: a typo fails fast and touches nothing.
  const insights::SummaryQuery query =
      insights::ParseSummaryQuery({IfGiven(flags.from_option, flags.from), IfGiven(flags.to_option, flags.to),
                                   IfGiven(flags.bucket_option, flags.bucket)},
                                  config.limits.insights_max_days, std::chrono::system_clock::now());
  const auto database = db::Open(config.backends.database_url, config.data_dir);
  const insights::Summary summary = insights::Summarize(*database, query);
  if (flags.format == "json") {
    std::cout << insights::ToJson(summary).dump(2) << "\n";
  } else {
    std::cout << insights::ToTable(summary);
  }
  return 0;
}

}  // namespace

service::Config ResolveInsightsConfig(const std::string& data_dir, const std::string& config_file) {
  service::ConfigFlags config_flags;
  if (!data_dir.empty()) config_flags.data_dir = data_dir;
  if (!config_file.empty()) config_flags.config_file = config_file;
  return service::ResolveConfig(config_flags);
}

Action RegisterInsights(CLI::App& app) {
  CLI::App* insights = app.add_subcommand("insights", "analytics over the recorded traffic");
  insights->require_subcommand(1);
  CLI::App* summary = insights->add_subcommand("summary", "requests, users, outcomes, latency and confidence");
  auto flags = std::make_shared<InsightsFlags>();
  flags->from_option = summary->add_option("--from", flags->from,
                                           "window start, a whole hour (RFC 3339 UTC); default: 7 days before --to");
  flags->to_option =
      summary->add_option("--to", flags->to, "window end, a whole hour (RFC 3339 UTC); default: the next whole hour");
  flags->bucket_option = summary->add_option("--bucket", flags->bucket,
                                             "hour, day, week or month (UTC; weeks start on Monday); default day");
  summary->add_option("--format", flags->format, "json or table")->capture_default_str();
  summary->add_option("--data-dir", flags->data_dir, "data folder of the service (default ./data)");
  summary->add_option("--config", flags->config_file, "TOML configuration file");
  CLI::App* rebuild = insights->add_subcommand(
      "rebuild", "recompute the hourly rollups from the stored records (after upgrading, or to repair)");
  auto rebuild_flags = std::make_shared<InsightsFlags>();
  rebuild->add_option("--data-dir", rebuild_flags->data_dir, "data folder of the service (default ./data)");
  rebuild->add_option("--config", rebuild_flags->config_file, "TOML configuration file");
  std::vector<InsightsSubcommand> analyses = RegisterInsightsAnalyses(*insights);
  for (InsightsSubcommand& analysis : RegisterOutlierAnalyses(*insights)) analyses.push_back(std::move(analysis));
  return [insights, rebuild, flags, rebuild_flags, analyses] {
    for (const InsightsSubcommand& analysis : analyses) {
      if (insights->got_subcommand(analysis.app)) return analysis.action();
    }
    return insights->got_subcommand(rebuild) ? Rebuild(*rebuild_flags) : Summary(*flags);
  };
}

}  // namespace faceloop::cli
