// The scheduler on SQLite and a real PostgreSQL: each period runs once (also with two schedulers
// on one database), a failed run is retried, missed periods are caught up in order, a new job
// starts with its latest period; and the leader lock: of two PostgreSQL sessions one holds it, the
// other takes over once the first releases it or its connection closes.
#include "scheduler/scheduler.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/time.hpp"
#include "support/migrated_database.hpp"
#include "support/scratch_postgres.hpp"
#include "support/servers.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::scheduler {
namespace {

const Time kT0 = ParseTimestamp("2026-11-02T10:30:15Z");

class SchedulerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
  }

  std::unique_ptr<Scheduler> Make() { return std::make_unique<Scheduler>(*db_, MakeLocalLeader(), SchedulerOptions{}); }

  std::string State(const std::string& job, const std::string& key) {
    const auto row = db_->QueryOne("SELECT state, attempts FROM job_runs WHERE job = ? AND period_key = ?", {job, key});
    return row ? row->Get<std::string>(0) + "/" + std::to_string(row->Get<std::int64_t>(1)) : "none";
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
};

TEST_P(SchedulerTest, EachPeriodRunsOnce) {
  std::vector<std::string> ran;
  auto scheduler = Make();
  scheduler->Add({"minute", EveryPeriod(std::chrono::minutes(1)), RunWhen::kStart, 1,
                  [&ran](const Period& p) { ran.push_back(p.key); }});
  EXPECT_TRUE(scheduler->Tick(kT0));
  scheduler->Tick(kT0 + std::chrono::seconds(20));  // the same minute
  scheduler->Tick(kT0 + std::chrono::seconds(50));  // the next
  EXPECT_EQ(ran, (std::vector<std::string>{"2026-11-02T10:30:00.000Z", "2026-11-02T10:31:00.000Z"}));
  EXPECT_EQ(State("minute", "2026-11-02T10:30:00.000Z"), "done/1");
}

TEST_P(SchedulerTest, TwoSchedulersOnOneDatabaseRunAPeriodOnce) {
  int runs = 0;
  auto a = Make();
  auto b = Make();
  for (Scheduler* s : {a.get(), b.get()}) {
    s->Add({"daily", CalendarPeriod("day"), RunWhen::kEnd, 1, [&runs](const Period&) { ++runs; }});
  }
  a->Tick(kT0);
  b->Tick(kT0);
  EXPECT_EQ(runs, 1);
}

TEST_P(SchedulerTest, AFailedRunIsRetried) {
  int calls = 0;
  auto scheduler = Make();
  scheduler->Add({"flaky", CalendarPeriod("hour"), RunWhen::kEnd, 1, [&calls](const Period&) {
                    if (++calls == 1) throw std::runtime_error("smtp down");
                  }});
  scheduler->Tick(kT0);
  EXPECT_EQ(State("flaky", "2026-11-02T09:00:00.000Z"), "failed/1");
  scheduler->Tick(kT0 + std::chrono::seconds(5));
  EXPECT_EQ(State("flaky", "2026-11-02T09:00:00.000Z"), "done/2");
  scheduler->Tick(kT0 + std::chrono::seconds(10));
  EXPECT_EQ(calls, 2);
}

TEST_P(SchedulerTest, MissedPeriodsAreCaughtUpInOrderAndANewJobStartsWithItsLatest) {
  std::vector<std::string> ran;
  const auto add = [&ran](Scheduler& s) {
    s.Add({"report", CalendarPeriod("day"), RunWhen::kEnd, 3, [&ran](const Period& p) { ran.push_back(p.key); }});
  };
  {
    auto first = Make();
    add(*first);
    first->Tick(kT0);  // new: only yesterday, no backlog from before the job existed
  }
  EXPECT_EQ(ran, (std::vector<std::string>{"2026-11-01T00:00:00.000Z"}));
  // Down for four days; back: the last three missed days (catch_up = 3), oldest first.
  auto back = Make();
  add(*back);
  back->Tick(kT0 + std::chrono::days(4));
  back->Tick(kT0 + std::chrono::days(4) + std::chrono::minutes(1));
  EXPECT_EQ(ran, (std::vector<std::string>{"2026-11-01T00:00:00.000Z", "2026-11-03T00:00:00.000Z",
                                           "2026-11-04T00:00:00.000Z", "2026-11-05T00:00:00.000Z"}));
}

TEST_P(SchedulerTest, AGracePeriodDelaysAnEndedPeriodUntilItHasPassed) {
  std::vector<std::string> ran;
  auto scheduler = Make();
  Job job{"report", CalendarPeriod("day"), RunWhen::kEnd, 1, [&ran](const Period& p) { ran.push_back(p.key); }};
  job.grace = std::chrono::minutes(30);
  scheduler->Add(std::move(job));
  const Time midnight = ParseTimestamp("2026-11-03T00:00:00Z");
  scheduler->Tick(midnight + std::chrono::minutes(10));  // the 2nd is over, but late records may come
  EXPECT_EQ(ran, (std::vector<std::string>{"2026-11-01T00:00:00.000Z"}));
  scheduler->Tick(midnight + std::chrono::minutes(30));
  EXPECT_EQ(ran, (std::vector<std::string>{"2026-11-01T00:00:00.000Z", "2026-11-02T00:00:00.000Z"}));
}

TEST_P(SchedulerTest, AnAbandonedRunIsTakenOverOnlyWhenStale) {
  db_->Execute("INSERT INTO job_runs (job, period_key, state, attempts, started_at) VALUES ('j', 'k', 'running', 1, ?)",
               {FormatTimestamp(kT0)});
  RunStore runs(*db_);
  EXPECT_FALSE(runs.Claim("j", "k", kT0 + std::chrono::seconds(60), std::chrono::seconds(600)));
  EXPECT_TRUE(runs.Claim("j", "k", kT0 + std::chrono::seconds(601), std::chrono::seconds(600)));
  EXPECT_EQ(State("j", "k"), "running/2");
}

TEST(PeriodTest, CalendarPeriods) {
  EXPECT_EQ(CalendarPeriod("week")(kT0).key, "2026-11-02T00:00:00.000Z");  // a Monday
  EXPECT_EQ(CalendarPeriod("month")(kT0).key, "2026-11-01T00:00:00.000Z");
  EXPECT_EQ(CalendarPeriod("month")(kT0).end, ParseTimestamp("2026-12-01T00:00:00Z"));
  EXPECT_EQ(EveryPeriod(std::chrono::seconds(15))(kT0).key, "2026-11-02T10:30:15.000Z");
  EXPECT_THROW(CalendarPeriod("fortnight"), Error);
}

INSTANTIATE_TEST_SUITE_P(Backends, SchedulerTest, ::testing::Values("sqlite", "postgres"));

class LeaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    scratch_ = std::make_unique<faceloop::testing::ScratchPostgres>(
        *faceloop::testing::ServerEnv("FACELOOP_TEST_DATABASE_URL"));
  }
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
};

TEST_F(LeaderTest, OneHoldsTheOtherTakesOverWhenItCloses) {
  auto first = MakePostgresLeader(scratch_->url());
  auto second = MakePostgresLeader(scratch_->url());
  EXPECT_TRUE(first->Hold());
  EXPECT_FALSE(second->Hold());
  EXPECT_TRUE(first->Hold());  // still held on the next tick
  first.reset();               // the leader's session closes (a dead process)
  EXPECT_TRUE(second->Hold());
  auto third = MakePostgresLeader(scratch_->url());
  EXPECT_FALSE(third->Hold());
  second->Release();  // a clean shutdown hands over at once
  EXPECT_TRUE(third->Hold());
}

TEST_F(LeaderTest, OnlyTheLeadingSchedulerRunsJobs) {
  auto database = std::make_unique<db::PostgresDatabase>(db::PostgresOptions{scratch_->url()});
  database->ApplyMigrations(db::FaceloopMigrations(database->dialect()));
  int runs_a = 0;
  int runs_b = 0;
  Scheduler a(*database, MakePostgresLeader(scratch_->url()), {});
  Scheduler b(*database, MakePostgresLeader(scratch_->url()), {});
  a.Add({"minute", EveryPeriod(std::chrono::minutes(1)), RunWhen::kStart, 1, [&runs_a](const Period&) { ++runs_a; }});
  b.Add({"minute", EveryPeriod(std::chrono::minutes(1)), RunWhen::kStart, 1, [&runs_b](const Period&) { ++runs_b; }});
  EXPECT_TRUE(a.Tick(kT0));
  EXPECT_FALSE(b.Tick(kT0 + std::chrono::minutes(1)));
  a.Stop();  // releases the lock
  EXPECT_TRUE(b.Tick(kT0 + std::chrono::minutes(1)));
  EXPECT_EQ(runs_a, 1);
  EXPECT_EQ(runs_b, 1);
}

}  // namespace
}  // namespace faceloop::scheduler
