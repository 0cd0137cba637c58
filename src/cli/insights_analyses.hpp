#pragma once
// `faceloop insights drift` and `faceloop insights feedback` (insights_analyses.cpp), registered
// under `faceloop insights` by insights_command.cpp.
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "service/config.hpp"

namespace faceloop::cli {

struct InsightsSubcommand {
  CLI::App* app;
  Action action;
};

/// The configuration as `serve` would resolve it with these flags (empty = not given).
service::Config ResolveInsightsConfig(const std::string& data_dir, const std::string& config_file);

/// Adds the drift and feedback subcommands to `insights`.
std::vector<InsightsSubcommand> RegisterInsightsAnalyses(CLI::App& insights);
/// Adds the outliers and correlations subcommands to `insights` (insights_outliers_command.cpp).
std::vector<InsightsSubcommand> RegisterOutlierAnalyses(CLI::App& insights);

}  // namespace faceloop::cli
