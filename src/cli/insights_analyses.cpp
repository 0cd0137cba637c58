// `faceloop insights drift`: the drift of GET /v1/insights/drift; `faceloop insights feedback`: the
// feedback shares of GET /v1/insights/feedback. Both read the configured database directly, with
// the parameters checked before it opens (a typo fails fast and touches nothing).
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/insights_analyses.hpp"
#include "common/error.hpp"
#include "db/open.hpp"
#include "insights/drift.hpp"
#include "insights/feedback_summary.hpp"

namespace faceloop::cli {
namespace {

/// Flags both subcommands share, and their parameters as given (an empty value given is refused).
struct AnalysisFlags {
  std::string format = "table";
  std::string data_dir;
  std::string config_file;
  std::map<std::string, std::pair<CLI::Option*, std::string>> values;
  std::vector<std::string> features;

  std::optional<std::string> Given(const std::string& name) const {
    const auto& [option, value] = values.at(name);
    if (option->count() == 0) return std::nullopt;
    return value;
  }
};

void AddValue(CLI::App& app, AnalysisFlags& flags, const std::string& name, const std::string& help) {
  auto& [option, value] = flags.values[name];
  option = app.add_option("--" + name, value, help);
}

void AddCommon(CLI::App& app, AnalysisFlags& flags) {
  app.add_option("--format", flags.format, "json or table")->capture_default_str();
  app.add_option("--data-dir", flags.data_dir, "data folder of the service (default ./data)");
  app.add_option("--config", flags.config_file, "TOML configuration file");
}

template <typename Report>
int Print(const AnalysisFlags& flags, const Report& report) {
  if (flags.format == "json") {
    std::cout << insights::ToJson(report).dump(2) << "\n";
  } else {
    std::cout << insights::ToTable(report);
  }
  return 0;
}

void CheckFormat(const AnalysisFlags& flags) {
  if (flags.format != "json" && flags.format != "table") {
    throw Error(ErrorCode::kUnprocessable, "parameter format must be json or table");
  }
}

int Drift(const AnalysisFlags& flags) {
  CheckFormat(flags);
  const service::Config config = ResolveInsightsConfig(flags.data_dir, flags.config_file);
  const insights::DriftQuery query = insights::ParseDriftQuery(
      {flags.features, flags.Given("reference"), flags.Given("current"), flags.Given("model-version")},
      config.limits.insights_max_days, std::chrono::system_clock::now());
  const auto database = db::Open(config.backends.database_url, config.data_dir);
  return Print(flags, insights::ComputeDrift(*database, query, config.insights));
}

int Feedback(const AnalysisFlags& flags) {
  CheckFormat(flags);
  const service::Config config = ResolveInsightsConfig(flags.data_dir, flags.config_file);
  const insights::SummaryQuery query =
      insights::ParseSummaryQuery({flags.Given("from"), flags.Given("to"), flags.Given("bucket")},
                                  config.limits.insights_max_days, std::chrono::system_clock::now());
  const auto database = db::Open(config.backends.database_url, config.data_dir);
  return Print(flags, insights::SummarizeFeedback(*database, query));
}

}  // namespace

std::vector<InsightsSubcommand> RegisterInsightsAnalyses(CLI::App& insights) {
  CLI::App* drift = insights.add_subcommand("drift", "PSI, KS and mean shift of every feature: current vs reference");
  auto drift_flags = std::make_shared<AnalysisFlags>();
  drift->add_option("--feature", drift_flags->features, "a feature (repeatable, or comma-separated); default all");
  AddValue(*drift, *drift_flags, "reference",
           "FROM..TO, whole hours (RFC 3339 UTC); default the 7 days before current");
  AddValue(*drift, *drift_flags, "current", "FROM..TO, whole hours (RFC 3339 UTC); default the last 24 hours");
  AddValue(*drift, *drift_flags, "model-version", "only this model version; default all together");
  AddCommon(*drift, *drift_flags);

  CLI::App* feedback = insights.add_subcommand("feedback", "shares of correct, partly correct and incorrect feedback");
  auto feedback_flags = std::make_shared<AnalysisFlags>();
  AddValue(*feedback, *feedback_flags, "from", "window start, a whole hour (RFC 3339 UTC); default 7 days before --to");
  AddValue(*feedback, *feedback_flags, "to", "window end, a whole hour (RFC 3339 UTC); default the next whole hour");
  AddValue(*feedback, *feedback_flags, "bucket", "hour, day, week or month (UTC); default day");
  AddCommon(*feedback, *feedback_flags);
  return {{drift, [drift_flags] { return Drift(*drift_flags); }},
          {feedback, [feedback_flags] { return Feedback(*feedback_flags); }}};
}

}  // namespace faceloop::cli
