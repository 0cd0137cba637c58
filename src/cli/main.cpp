// The faceloop executable: a thin shell over the subsystem libraries.
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "cli/service_commands.hpp"
#include "common/error.hpp"

namespace {

/// Whether argv[1] names no subcommand. CLI11 answers `--help` before it looks at the other
/// arguments, so `faceloop bogus --help` would print the top-level help and exit 0.
bool UnknownSubcommand(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  const std::string name = argv[1];
  return app.get_subcommands([&name](const CLI::App* command) { return command->check_name(name); }).empty();
}

}  // namespace

// Only faceloop::Error is an expected failure; any other exception is a bug, and terminating (with
// its message and a core dump) is the most useful thing to do with it.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  CLI::App app{"faceloop: face detection that learns from its traffic"};
  app.require_subcommand(1);
  const faceloop::cli::Action detect = faceloop::cli::RegisterDetect(app);
  const faceloop::cli::Action eval = faceloop::cli::RegisterEval(app);
  const faceloop::cli::Action bench = faceloop::cli::RegisterBench(app);
  const faceloop::cli::Action serve = faceloop::cli::RegisterServe(app);
  const faceloop::cli::Action worker = faceloop::cli::RegisterWorker(app);
  const faceloop::cli::Action users = faceloop::cli::RegisterUsers(app);
  const faceloop::cli::Action migrate = faceloop::cli::RegisterMigrate(app);
  const faceloop::cli::Action feedback_token = faceloop::cli::RegisterFeedbackToken(app);
  const faceloop::cli::Action insights = faceloop::cli::RegisterInsights(app);
  const faceloop::cli::Action report = faceloop::cli::RegisterReport(app);
  const faceloop::cli::Action rate_mail = faceloop::cli::RegisterRateMail(app);
  const faceloop::cli::Action backup = faceloop::cli::RegisterBackup(app);
  const faceloop::cli::Action restore = faceloop::cli::RegisterRestore(app);
  const faceloop::cli::Action purge = faceloop::cli::RegisterPurge(app);
  const faceloop::cli::Action import_labels = faceloop::cli::RegisterImport(app);
  const faceloop::cli::Action export_ = faceloop::cli::RegisterExport(app);
  if (UnknownSubcommand(app, argc, argv)) {
    std::cerr << "faceloop: unknown subcommand '" << argv[1] << "' (faceloop --help lists them)\n";
    return 2;
  }
  CLI11_PARSE(app, argc, argv);
  try {
    const std::string name = app.get_subcommands().front()->get_name();
    if (name == "detect") return detect();
    if (name == "eval") return eval();
    if (name == "bench") return bench();
    if (name == "serve") return serve();
    if (name == "worker") return worker();
    if (name == "users") return users();
    if (name == "migrate") return migrate();
    if (name == "feedback-token") return feedback_token();
    if (name == "insights") return insights();
    if (name == "report") return report();
    if (name == "rate-mail") return rate_mail();
    if (name == "backup") return backup();
    if (name == "restore") return restore();
    if (name == "purge") return purge();
    if (name == "import") return import_labels();
    if (name == "export") return export_();
  } catch (const faceloop::Error& e) {
    std::cerr << "faceloop: " << e.what() << "\n";
    return 1;
  }
  return 2;
}
