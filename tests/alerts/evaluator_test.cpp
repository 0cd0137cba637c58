// Alerts end to end below the HTTP layer, on SQLite and a real PostgreSQL: records shipped into
// the rollups, a rule evaluated from them (fires once, stays quiet while firing, resolves, respects
// its cool-down), each transition stored with its outbox rows; the dispatcher delivering a signed
// webhook to a real local HTTP server, retried after a 500, never twice.
#include "alerts/evaluator.hpp"

#include <gtest/gtest.h>

#include <set>

#include "alerts/dispatcher.hpp"
#include "alerts/signature.hpp"
#include "common/time.hpp"
#include "events/database_sink.hpp"
#include "events/records.hpp"
#include "support/migrated_database.hpp"
#include "support/scratch_postgres.hpp"
#include "support/scripted_http_server.hpp"
#include "support/servers.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::alerts {
namespace {

const Time kNow = ParseTimestamp("2026-11-02T10:30:00Z");

class AlertsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "sqlite") FACELOOP_REQUIRE_SERVER_ENV("FACELOOP_TEST_DATABASE_URL");
    db_ = faceloop::testing::OpenMigratedDatabase(GetParam(), dir_.path(), scratch_);
    default_rules_ = AlertStore(*db_).List();
    db_->Execute("DELETE FROM alert_rules");  // the defaults have their own test
    db_->Execute("INSERT INTO users (id, email, role, created_at) VALUES ('u0', 'u0@example.com', 'user', ?)",
                 {FormatTimestamp(kNow)});
  }

  /// `count` detects at 10:05 whose one face has `confidence`.
  void Ship(int count, double confidence) {
    std::vector<std::string> batch;
    for (int i = 0; i < count; ++i) {
      requests::RequestRecord r;
      r.request_id = "r" + std::to_string(next_++);
      r.user_id = "u0";
      r.received_at = ParseTimestamp("2026-11-02T10:05:00Z");
      r.model_name = "retinaface";
      r.model_version = "v1";
      r.face_count = 1;
      r.total_ms = 30;
      r.confidence_max = confidence;
      r.faces = nlohmann::json::array({{{"confidence", confidence}}});
      batch.push_back(events::ToSpoolRecord(r));
    }
    EXPECT_EQ(events::DeliverToDatabase(*db_, batch), 0u);
  }

  Rule AddRule(const std::string& webhook_url = "") {
    Rule rule;
    rule.id = "low-confidence";
    rule.name = "confidence dropped";
    rule.metric = "confidence_mean";
    rule.comparator = "<";
    rule.threshold = 0.6;
    rule.min_sample = 10;
    rule.cooldown_minutes = 30;
    rule.emails = {"ops@example.com"};
    if (!webhook_url.empty()) {
      rule.webhook_url = webhook_url;
      rule.webhook_secret = "0123456789abcdef0123";
    }
    rule.created_at = rule.updated_at = kNow;
    AlertStore(*db_).Insert(rule);
    return rule;
  }

  std::vector<std::string> Transitions() {
    std::vector<std::string> out;
    for (const AlertEvent& e : AlertStore(*db_).Events({})) out.insert(out.begin(), e.transition);
    return out;
  }

  Evaluator MakeEvaluator() {
    return Evaluator(*db_, insights::DriftThresholds{}, [this] { return "id" + std::to_string(1000 + ids_++); });
  }

  faceloop::testing::TempDir dir_;
  std::unique_ptr<faceloop::testing::ScratchPostgres> scratch_;
  std::unique_ptr<db::IDatabase> db_;
  std::vector<Rule> default_rules_;
  int next_ = 0;
  int ids_ = 0;
};

TEST_P(AlertsTest, FiresOnceResolvesAndRespectsTheCoolDown) {
  AddRule();
  Evaluator evaluator = MakeEvaluator();
  Ship(5, 0.3);
  EXPECT_EQ(evaluator.EvaluateAll(kNow), 0);  // 5 < min_sample
  Ship(15, 0.3);
  EXPECT_EQ(evaluator.EvaluateAll(kNow), 1);
  EXPECT_EQ(evaluator.EvaluateAll(kNow + std::chrono::minutes(1)), 0);  // still firing: not again
  Ship(100, 0.95);                                                      // mean (20 * 0.3 + 100 * 0.95) / 120
  EXPECT_EQ(evaluator.EvaluateAll(kNow + std::chrono::minutes(2)), 1);
  Ship(200, 0.3);  // low again, within the cool-down of the first firing
  EXPECT_EQ(evaluator.EvaluateAll(kNow + std::chrono::minutes(5)), 0);
  EXPECT_EQ(evaluator.EvaluateAll(kNow + std::chrono::minutes(31)), 1);
  EXPECT_EQ(Transitions(), (std::vector<std::string>{"firing", "resolved", "firing"}));

  const AlertEvent first = AlertStore(*db_).Events({"low-confidence", std::nullopt, 50}).back();
  EXPECT_EQ(first.sample, 20);
  EXPECT_NEAR(*first.value, 0.3, 1e-9);
  EXPECT_EQ(first.window_from, ParseTimestamp("2026-11-02T09:00:00Z"));
  EXPECT_EQ(first.window_to, ParseTimestamp("2026-11-02T11:00:00Z"));
  // One e-mail row per transition, none twice.
  EXPECT_EQ(db_->QueryOne("SELECT COUNT(*) FROM alert_outbox WHERE channel = 'email'")->Get<std::int64_t>(0), 3);
}

TEST_P(AlertsTest, ATransitionDecidedFromAStaleStateIsNotStoredTwice) {
  // Two evaluators that both read `ok` (a leader handing over mid-run): only the first one's
  // firing is stored and queued.
  const Rule rule = AddRule();
  Ship(20, 0.3);
  const Observation seen = Measure(*db_, rule, kNow, insights::DriftThresholds{});
  const Decision decision = Decide(rule, {}, seen, kNow);
  ASSERT_TRUE(decision.transition.has_value());
  AlertStore store(*db_);
  int id = 0;
  const auto record = [&] {
    const AlertEvent event = MakeEvent(rule, *decision.transition, seen, kNow, "e" + std::to_string(++id));
    return store.Record(rule, AlertState::kOk, decision, seen, kNow, event,
                        Notifications(rule, event, [&] { return "n" + std::to_string(++id); }));
  };
  EXPECT_TRUE(record());
  EXPECT_FALSE(record());
  EXPECT_EQ(Transitions(), std::vector<std::string>{"firing"});
  EXPECT_EQ(db_->QueryOne("SELECT COUNT(*) FROM alert_outbox")->Get<std::int64_t>(0), 1);
}

TEST_P(AlertsTest, TheWebhookIsSignedRetriedAfterA500AndNeverSentTwice) {
  faceloop::testing::ScriptedHttpServer receiver([](const faceloop::testing::ReceivedRequest&, int number) {
    return faceloop::testing::ScriptedReply{number == 0 ? 500 : 204};
  });
  AddRule(receiver.url() + "/hook");
  Ship(20, 0.2);
  ASSERT_EQ(MakeEvaluator().EvaluateAll(kNow), 1);

  const UrlPolicy policy({"127.0.0.1/32"});
  DispatcherOptions options;
  options.retry_base = std::chrono::milliseconds(1000);
  Dispatcher dispatcher(*db_, nullptr, policy, options);  // no mailer: the e-mail row waits
  EXPECT_EQ(dispatcher.RunOnce(kNow), 0);                 // 500: retried later, not now
  EXPECT_EQ(dispatcher.RunOnce(kNow), 0);
  EXPECT_EQ(dispatcher.RunOnce(kNow + std::chrono::minutes(1)), 1);
  EXPECT_EQ(dispatcher.RunOnce(kNow + std::chrono::hours(1)), 0);  // delivered: never again
  const auto received = receiver.received();
  ASSERT_EQ(received.size(), 2u);
  const faceloop::testing::ReceivedRequest& hook = received[1];
  EXPECT_EQ(hook.method, "POST");
  EXPECT_EQ(hook.target, "/hook");
  EXPECT_EQ(hook.Header("X-Faceloop-Signature"),
            Sign("0123456789abcdef0123", *hook.Header("X-Faceloop-Timestamp"), hook.body));
  const auto payload = nlohmann::json::parse(hook.body);
  EXPECT_EQ(payload["transition"], "firing");
  EXPECT_EQ(payload["rule_id"], "low-confidence");
  EXPECT_EQ(hook.Header("X-Faceloop-Event"), payload["id"]);
  // The e-mail is still queued (no mail server), with its error, not lost.
  const auto email =
      db_->QueryOne("SELECT attempts, last_error, delivered_at FROM alert_outbox WHERE channel = 'email'");
  EXPECT_GE(email->Get<std::int64_t>(0), 1);
  EXPECT_FALSE(email->IsNull(1));
  EXPECT_TRUE(email->IsNull(2));
}

TEST_P(AlertsTest, SensibleRulesExistOutOfTheBox) {
  std::set<std::string> metrics;
  for (const Rule& rule : default_rules_) {
    metrics.insert(rule.metric);
    EXPECT_TRUE(rule.enabled);
    EXPECT_FALSE(rule.webhook_url.has_value());  // webhooks are an admin's choice
  }
  EXPECT_EQ(metrics,
            (std::set<std::string>{"confidence_mean", "drift_verdict", "error_share", "latency_p95", "no_face_share"}));
}

TEST(RetryDelayTest, GrowsExponentiallyUpToTheCap) {
  DispatcherOptions options;
  options.retry_base = std::chrono::milliseconds(1000);
  options.retry_max = std::chrono::milliseconds(8000);
  EXPECT_EQ(RetryDelay(options, 1, 0.999999).count(), 999);
  EXPECT_EQ(RetryDelay(options, 3, 0.0).count(), 2000);
  EXPECT_EQ(RetryDelay(options, 30, 0.0).count(), 4000);
}

INSTANTIATE_TEST_SUITE_P(Backends, AlertsTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace faceloop::alerts
