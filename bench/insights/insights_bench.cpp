// The insights at scale: loads synthetic request records (1 M over 30 days by default) into SQLite
// and, when FACELOOP_TEST_DATABASE_URL is set, into PostgreSQL, through the store's insert and the
// rollups' rebuild (the `faceloop insights rebuild` path), then times the summary, drift,
// correlations and outliers: the median of 5 runs after a warm-up, with the peak RSS of each.
//
//   bash tests/servers/postgres.sh start /tmp/scale-pg && source /tmp/scale-pg/postgres.env
//   build/release/bench/insights_bench [--records N] [--dir DIR] [--runs R] [--backend sqlite|postgres]
//
// The loaded databases stay (DIR/insights-N.db, PostgreSQL database faceloop_insights_bench_N) and
// are reused by the next run. A number, not a test: docs/insights.md has the measured table.
#include <pqxx/pqxx>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/insights/synthetic_traffic.hpp"
#include "common/time.hpp"
#include "db/migrations.hpp"
#include "db/postgres_database.hpp"
#include "db/sqlite_database.hpp"
#include "insights/correlations.hpp"
#include "insights/drift.hpp"
#include "insights/outliers.hpp"
#include "insights/rollups.hpp"
#include "insights/summary.hpp"
#include "requests/store.hpp"

namespace {

using namespace faceloop;
using Clock = std::chrono::steady_clock;
using requests::Time;

const Time kStart = ParseTimestamp("2026-10-01T00:00:00Z");
constexpr int kDays = 30;
constexpr std::int64_t kBatch = 10000;  // records per insert transaction

struct Options {
  std::int64_t records = 1'000'000;
  std::string dir = "/tmp/faceloop-insights-bench";
  int runs = 5;
  std::string backend = "all";
  bool load_only = false;
  std::string pg_database;  ///< default faceloop_insights_bench_N
};

/// Resets the peak RSS (Linux clear_refs 5), so each analysis reports its own peak.
void ResetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

/// VmHWM of this process in MiB (the database server's memory, for PostgreSQL, is not in it).
double PeakRssMib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024;
  }
  return 0;
}

std::int64_t Count(db::IDatabase& database, const std::string& sql) {
  const auto row = database.QueryOne(sql);
  return row ? row->Get<std::optional<std::int64_t>>(0).value_or(0) : 0;
}

void InsertUsers(db::IDatabase& database, int users) {
  // Accounts created evenly over the 60 days before the window and the window: new users every day.
  database.Transaction([&](db::IDatabase& tx) {
    for (int i = 0; i < users; ++i) {
      const Time created = kStart - std::chrono::days(60) + std::chrono::minutes(90LL * 24 * 60 * i / users);
      tx.Execute("INSERT INTO users (id, email, role, created_at) VALUES (?, ?, 'user', ?) ON CONFLICT (id) DO NOTHING",
                 {bench::SyntheticTraffic::UserId(i), bench::SyntheticTraffic::UserId(i) + "@bench.invalid",
                  FormatTimestamp(created)});
    }
  });
}

/// Loads the records unless they are there; rebuilds the rollups unless they count them all.
void Load(db::IDatabase& database, const Options& options, const char* name) {
  database.ApplyMigrations(db::FaceloopMigrations(database.dialect()));
  const std::int64_t stored = Count(database, "SELECT COUNT(*) FROM requests");
  if (stored != 0 && stored != options.records) {
    throw std::runtime_error(std::string(name) + " holds " + std::to_string(stored) + " records, not " +
                             std::to_string(options.records) + ": remove it first");
  }
  const auto started = Clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
  if (stored == 0) {
    bench::TrafficShape shape;
    shape.records = options.records;
    shape.days = kDays;
    shape.start = kStart;
    InsertUsers(database, shape.users);
    bench::SyntheticTraffic traffic(shape);
    while (traffic.More()) {
      database.Transaction([&](db::IDatabase& tx) {
        for (std::int64_t i = 0; i < kBatch && traffic.More(); ++i) requests::RequestStore::Insert(tx, traffic.Next());
      });
    }
    std::printf("%s: inserted %lld records in %.0f s\n", name, static_cast<long long>(options.records), seconds());
  }
  if (Count(database, "SELECT SUM(requests) FROM rollup_hours") != options.records) {
    const auto counted = insights::RebuildRollups(database);
    std::printf("%s: rollups rebuilt from %lld records in %.0f s\n", name, static_cast<long long>(counted), seconds());
  }
  if (database.dialect() == db::Dialect::kPostgres) database.Execute("ANALYZE");
}

/// This process's user + system CPU time: on a shared machine the wall time also counts waiting
/// for a core. For SQLite it is the whole cost; for PostgreSQL only the client's.
double CpuMs() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + t.tv_usec / 1e3; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

struct Timing {
  double median_ms = 0;
  double cpu_ms = 0;  ///< median
  double min_ms = 0;
  double peak_rss_mib = 0;
  std::string considered;  ///< what the answer was computed over
};

/// A warm-up, then `runs` timed runs; `run` returns what it considered.
Timing Measure(int runs, const std::function<std::string()>& run) {
  ResetPeakRss();
  Timing timing;
  timing.considered = run();
  std::vector<double> ms, cpu;
  for (int i = 0; i < runs; ++i) {
    const auto started = Clock::now();
    const double cpu_started = CpuMs();
    timing.considered = run();
    cpu.push_back(CpuMs() - cpu_started);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu.begin(), cpu.end());
  timing.cpu_ms = cpu[cpu.size() / 2];
  timing.median_ms = ms[ms.size() / 2];
  timing.min_ms = ms.front();
  timing.peak_rss_mib = PeakRssMib();
  return timing;
}

std::string Num(std::int64_t n) { return std::to_string(n); }

void Report(const char* backend, const char* analysis, const Timing& t) {
  std::printf("| %-10s | %-12s | %9.1f | %7.1f | %7.1f | %-40s | %12.1f |\n", backend, analysis, t.median_ms, t.min_ms,
              t.cpu_ms, t.considered.c_str(), t.peak_rss_mib);
  std::fflush(stdout);
}

void Bench(db::IDatabase& database, const char* backend, const Options& options) {
  const Time end = kStart + std::chrono::days(kDays);
  const insights::SummaryQuery month{kStart, end, insights::Bucket::kDay};
  Report(backend, "summary", Measure(options.runs, [&] {
           const auto s = insights::Summarize(database, month);
           return Num(s.total.all.requests) + " records, " + Num(s.total.users.unique) + " users";
         }));
  insights::DriftQuery drift;
  for (const insights::Feature& feature : insights::Features()) drift.features.push_back(&feature);
  drift.reference = {kStart, end - std::chrono::days(7)};
  drift.current = {end - std::chrono::days(7), end};
  Report(backend, "drift", Measure(options.runs, [&] {
           const auto report = insights::ComputeDrift(database, drift, insights::DriftThresholds{});
           return Num(report.features.front().reference.count + report.features.front().current.count) +
                  " records (rollups)";
         }));
  Report(backend, "correlations", Measure(options.runs, [&] {
           const auto c = insights::Correlate(database, month);
           std::int64_t n = 0;
           for (const auto& pair : c.pairs) n = std::max(n, pair.n);
           return "sample " + Num(c.sample.records) + " of " + Num(c.sample.window_records);
         }));
  insights::OutlierQuery outliers;
  outliers.reference_from = kStart;
  outliers.from = kStart + std::chrono::days(7);  // the reference is the week before the window
  outliers.to = end;
  Report(backend, "outliers", Measure(options.runs, [&] {
           const auto o = insights::FindOutliers(database, outliers);
           return "sample ~" + Num(o.sample.records) + " of " + Num(o.sample.window_records) + " (days 8-30)";
         }));
}

std::unique_ptr<db::IDatabase> OpenPostgres(const std::string& url, const Options& options) {
  const std::string name =
      options.pg_database.empty() ? "faceloop_insights_bench_" + std::to_string(options.records) : options.pg_database;
  pqxx::connection admin(url);
  pqxx::nontransaction query(admin);
  if (query.exec("SELECT 1 FROM pg_database WHERE datname = " + query.quote(name)).empty()) {
    query.exec("CREATE DATABASE " + name);
  }
  return std::make_unique<db::PostgresDatabase>(db::PostgresOptions{url.substr(0, url.rfind('/') + 1) + name});
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"insights_bench: the insights over a month of synthetic traffic"};
  app.add_option("--records", options.records, "records to load (over 30 days)");
  app.add_option("--dir", options.dir, "where the SQLite database is kept between runs");
  app.add_option("--runs", options.runs, "timed runs per analysis (after one warm-up)");
  app.add_option("--backend", options.backend, "sqlite, postgres or all");
  app.add_option("--pg-database", options.pg_database,
                 "the PostgreSQL database to use (a copy, say, to try a migration on; default "
                 "faceloop_insights_bench_N)");
  app.add_flag("--load-only", options.load_only, "load (or check) the databases, time nothing");
  CLI11_PARSE(app, argc, argv);
  try {
    std::printf(
        "| backend    | analysis     | median ms |  min ms |  cpu ms | considered                               | peak "
        "RSS "
        "MiB |\n|---|---|---|---|---|---|---|\n");
    if (options.backend != "postgres") {
      std::filesystem::create_directories(options.dir);
      db::SqliteDatabase sqlite(
          db::SqliteOptions{options.dir + "/insights-" + std::to_string(options.records) + ".db"});
      Load(sqlite, options, "SQLite");
      if (!options.load_only) Bench(sqlite, "SQLite", options);
    }
    const char* url = std::getenv("FACELOOP_TEST_DATABASE_URL");
    if (options.backend != "sqlite" && url != nullptr && *url != '\0') {
      const auto postgres = OpenPostgres(url, options);
      Load(*postgres, options, "PostgreSQL");
      if (!options.load_only) Bench(*postgres, "PostgreSQL", options);
    } else if (options.backend != "sqlite") {
      std::printf("PostgreSQL skipped: FACELOOP_TEST_DATABASE_URL is not set\n");
    }
  } catch (const std::exception& e) {
    std::cerr << "insights_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
