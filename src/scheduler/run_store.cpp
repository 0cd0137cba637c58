#include "scheduler/run_store.hpp"

#include "common/error.hpp"
#include "common/time.hpp"

namespace faceloop::scheduler {
namespace {

RunState ParseState(const std::string& text) {
  if (text == "running") return RunState::kRunning;
  if (text == "done") return RunState::kDone;
  if (text == "failed") return RunState::kFailed;
  throw Error(ErrorCode::kInternal, "job_runs: unknown state " + text);
}

std::optional<RunRow> FindOn(db::IDatabase& database, const std::string& job, const std::string& key) {
  const auto row = database.QueryOne(
      "SELECT state, attempts, started_at FROM job_runs WHERE job = ? AND period_key = ? LIMIT 1", {job, key});
  if (!row) return std::nullopt;
  return RunRow{ParseState(row->Get<std::string>(0)), row->Get<std::int64_t>(1),
                ParseTimestamp(row->Get<std::string>(2))};
}

}  // namespace

std::optional<RunRow> RunStore::Find(const std::string& job, const std::string& period_key) {
  return FindOn(database_, job, period_key);
}

bool RunStore::Claim(const std::string& job, const std::string& period_key, Time now, std::chrono::seconds stale) {
  const std::string started = FormatTimestamp(now);
  // A new row claims at once; the primary key makes a second inserter's row vanish.
  if (database_.Execute("INSERT INTO job_runs (job, period_key, state, attempts, started_at) VALUES (?, ?, "
                        "'running', 1, ?) ON CONFLICT (job, period_key) DO NOTHING",
                        {job, period_key, started}) > 0) {
    return true;
  }
  // An existing row: retried when failed, or running but abandoned (its leader died mid-run).
  // The conditional UPDATE is the claim: of two callers only one sees its row change.
  const std::string stale_before = FormatTimestamp(now - stale);
  return database_.Execute(
             "UPDATE job_runs SET state = 'running', attempts = attempts + 1, started_at = ?, "
             "finished_at = NULL WHERE job = ? AND period_key = ? AND (state = 'failed' OR "
             "(state = 'running' AND started_at < ?))",
             {started, job, period_key, stale_before}) > 0;
}

void RunStore::Finish(const std::string& job, const std::string& period_key, Time now) {
  database_.Execute(
      "UPDATE job_runs SET state = 'done', finished_at = ?, error = NULL WHERE job = ? AND period_key = ?",
      {FormatTimestamp(now), job, period_key});
}

void RunStore::Fail(const std::string& job, const std::string& period_key, Time now, const std::string& error) {
  database_.Execute("UPDATE job_runs SET state = 'failed', finished_at = ?, error = ? WHERE job = ? AND period_key = ?",
                    {FormatTimestamp(now), error, job, period_key});
}

std::optional<std::string> RunStore::FirstKey(const std::string& job) {
  const auto row = database_.QueryOne("SELECT MIN(period_key) FROM job_runs WHERE job = ?", {job});
  if (!row || row->IsNull(0)) return std::nullopt;
  return row->Get<std::string>(0);
}

void RunStore::Prune(const std::string& job, Time before) {
  database_.Execute("DELETE FROM job_runs WHERE job = ? AND started_at < ? AND state = 'done'",
                    {job, FormatTimestamp(before)});
}

}  // namespace faceloop::scheduler
