// `faceloop insights outliers` and `faceloop insights correlations`: the answers of
// GET /v1/insights/outliers and /v1/insights/correlations, read from the configured database
// directly (SQLite in the data folder or PostgreSQL), for operators and scripts.
#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include "cli/insights_analyses.hpp"
#include "common/error.hpp"
#include "db/open.hpp"
#include "insights/correlations.hpp"
#include "insights/outliers.hpp"
#include "service/config.hpp"

namespace faceloop::cli {
namespace {

struct AnalysisFlags {
  // Options given or not: an empty value is given, and refused.
  CLI::Option* from = nullptr;
  CLI::Option* to = nullptr;
  CLI::Option* limit = nullptr;
  CLI::Option* threshold = nullptr;
  std::string from_text, to_text, limit_text, threshold_text;
  std::string format = "table";
  std::string data_dir;
  std::string config_file;
};

std::optional<std::string> IfGiven(const CLI::Option* option, const std::string& value) {
  if (option == nullptr || option->count() == 0) return std::nullopt;
  return value;
}

service::Config Resolve(const AnalysisFlags& flags) {
  if (flags.format != "json" && flags.format != "table") {
    throw Error(ErrorCode::kUnprocessable, "parameter format must be json or table");
  }
  return ResolveInsightsConfig(flags.data_dir, flags.config_file);
}

template <typename Result>
int Print(const AnalysisFlags& flags, const Result& result) {
  if (flags.format == "json") {
    std::cout << insights::ToJson(result).dump(2) << "\n";
  } else {
    std::cout << insights::ToTable(result);
  }
  return 0;
}

int Outliers(const AnalysisFlags& flags) {
  const service::Config config = Resolve(flags);
  // Checked before the database opens: a typo fails fast and touches nothing.
  const insights::OutlierQuery query = insights::ParseOutlierQuery(
      {IfGiven(flags.from, flags.from_text), IfGiven(flags.to, flags.to_text), IfGiven(flags.limit, flags.limit_text),
       IfGiven(flags.threshold, flags.threshold_text)},
      config.limits.insights_max_days, std::chrono::system_clock::now());
  const auto database = db::Open(config.backends.database_url, config.data_dir);
  return Print(flags, insights::FindOutliers(*database, query));
}

int Correlations(const AnalysisFlags& flags) {
  const service::Config config = Resolve(flags);
  const insights::SummaryQuery query = insights::ParseSummaryQuery(
      {IfGiven(flags.from, flags.from_text), IfGiven(flags.to, flags.to_text), std::nullopt},
      config.limits.insights_max_days, std::chrono::system_clock::now());
  const auto database = db::Open(config.backends.database_url, config.data_dir);
  return Print(flags, insights::Correlate(*database, query));
}

void AddCommon(CLI::App& command, AnalysisFlags& flags) {
  flags.from = command.add_option("--from", flags.from_text,
                                  "window start, a whole hour (RFC 3339 UTC); default: 7 days before --to");
  flags.to = command.add_option("--to", flags.to_text,
                                "window end, a whole hour (RFC 3339 UTC); default: the next whole hour");
  command.add_option("--format", flags.format, "json or table")->capture_default_str();
  command.add_option("--data-dir", flags.data_dir, "data folder of the service (default ./data)");
  command.add_option("--config", flags.config_file, "TOML configuration file");
}

}  // namespace

std::vector<InsightsSubcommand> RegisterOutlierAnalyses(CLI::App& insights) {
  CLI::App* outliers = insights.add_subcommand(
      "outliers", "unusual requests (metadata far from the previous 7 days, slow, low confidence, no face)");
  auto outlier_flags = std::make_shared<AnalysisFlags>();
  AddCommon(*outliers, *outlier_flags);
  outlier_flags->limit = outliers->add_option("--limit", outlier_flags->limit_text, "1..100 requests; default 20");
  outlier_flags->threshold =
      outliers->add_option("--threshold", outlier_flags->threshold_text, "robust z-score cut, 1..100; default 3.5");
  CLI::App* correlations = insights.add_subcommand(
      "correlations", "confidence and face count against each image metadata field (Pearson, Spearman, deciles)");
  auto correlation_flags = std::make_shared<AnalysisFlags>();
  AddCommon(*correlations, *correlation_flags);
  return {{outliers, [outlier_flags] { return Outliers(*outlier_flags); }},
          {correlations, [correlation_flags] { return Correlations(*correlation_flags); }}};
}

}  // namespace faceloop::cli
