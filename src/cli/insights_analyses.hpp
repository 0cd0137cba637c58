#pragma once
// `faceloop insights outliers|correlations`, beside the summary and rebuild of insights_command.cpp.
#include <functional>
#include <optional>

#include <CLI/CLI.hpp>

namespace faceloop::cli {

/// Adds the subcommands to `insights`; the returned function runs the one chosen and returns its
/// exit code, or nullopt when neither was chosen.
std::function<std::optional<int>()> RegisterInsightsAnalyses(CLI::App& insights);

}  // namespace faceloop::cli
