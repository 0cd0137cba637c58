#pragma once
// Subcommands of the HTTP service (separate from commands.hpp, which is the detection engine's).
#include "cli/commands.hpp"

namespace faceloop::cli {

/// `faceloop serve --listen HOST:PORT --data-dir DIR [--config FILE]`: the HTTP service.
Action RegisterServe(CLI::App& app);
/// `faceloop worker [--data-dir DIR] [--config FILE]`: the scheduler and outbox, no HTTP API.
Action RegisterWorker(CLI::App& app);
/// `faceloop users create --email E --role ROLE --data-dir DIR`: prints the new user's API key.
Action RegisterUsers(CLI::App& app);
/// `faceloop migrate [--data-dir DIR] [--config FILE]`: applies pending schema migrations.
Action RegisterMigrate(CLI::App& app);
/// `faceloop feedback-token --request ID [--ttl-seconds N]`: prints a one-time feedback token for
/// the request's owner.
Action RegisterFeedbackToken(CLI::App& app);
/// `faceloop insights summary [--from T] [--to T] [--bucket B] [--format json|table]`: the insights
/// summary, read from the configured database; `faceloop insights rebuild`: the rollups recomputed;
/// `faceloop insights drift|feedback` (insights_analyses.hpp).
Action RegisterInsights(CLI::App& app);
/// `faceloop report --period day|week|month --at DATE [--send]`: a period's report (report_command.cpp).
Action RegisterReport(CLI::App& app);
/// `faceloop rate-mail --now | --at TIME`: the rating e-mails of a period (rate_mail_command.cpp).
Action RegisterRateMail(CLI::App& app);
/// `faceloop backup --to DIR|s3://...` and `faceloop restore --from DIR|s3://... --data-dir NEW`
/// (backup_command.cpp, src/backup).
Action RegisterBackup(CLI::App& app);
Action RegisterRestore(CLI::App& app);
/// `faceloop purge [--dry-run]`: the retention purge once (purge_command.cpp, src/retention).
Action RegisterPurge(CLI::App& app);
/// `faceloop import --format labelstudio|coco FILE`: labels into the database (import_command.cpp, src/labels).
Action RegisterImport(CLI::App& app);
Action RegisterExport(CLI::App& app);

}  // namespace faceloop::cli
