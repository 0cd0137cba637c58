#pragma once
// The service, wired in one place: from a Config to the backends (each chosen by its URL), accounts,
// the logging pipeline, the detectors and the routes. Nothing else constructs these for `serve`.
// Declaration order is construction order (and reverse destruction order): the pipeline's shippers
// stop before the backends they ship to, the detect pool before the registry it uses, every store
// before the committer they sync through.
#include <atomic>
#include <memory>
#include <string>

#include "accounts/account_service.hpp"
#include "accounts/auth_cache.hpp"
#include "datasets/worker.hpp"
#include "db/database.hpp"
#include "detect/detect_pool.hpp"
#include "detect/registry.hpp"
#include "events/event_log.hpp"
#include "events/pipeline.hpp"
#include "feedback/store.hpp"
#include "feedback/token.hpp"
#include "http/auth_throttle.hpp"
#include "http/client_ip.hpp"
#include "http/failed_logins.hpp"
#include "http/http_metrics.hpp"
#include "http/quotas.hpp"
#include "http/routes/ops.hpp"
#include "http/server/router.hpp"
#include "labels/store.hpp"
#include "mail/mailer.hpp"
#include "ratelimit/limiter.hpp"
#include "reports/reporter.hpp"
#include "requests/store.hpp"
#include "retention/purge.hpp"
#include "search/search_sink.hpp"
#include "service/config.hpp"
#include "service/rating_job.hpp"
#include "service/schedules.hpp"
#include "storage/group_commit.hpp"
#include "storage/local_object_store.hpp"
#include "telemetry/metrics.hpp"

namespace faceloop::service {

class Service {
 public:
  explicit Service(Config config);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  /// Adds every route, each given only the parts it uses.
  void RegisterRoutes(http::Router& router);
  const Config& config() const { return config_; }
  /// A new time-ordered id: the front end gives one to every request; a detect's record keeps it.
  std::string NewRequestId();
  /// What the service needs filled in before a request is routed (the client's address).
  void Prepare(http::Request& request) const;
  /// The reports' producer: a scheduler calls reporter().ProduceDue(period, now) (idempotent).
  reports::Reporter& reporter() { return *reporter_; }
  /// The retention purge (src/retention) on this service's backends with its configured policy: the
  /// one function the daily scheduler calls. `faceloop purge` runs the same from the command line.
  retention::PurgeReport Purge(bool dry_run);

 private:
  std::size_t DeleteAccount(const std::string& user_id);
  http::Readiness CheckReadiness();
  std::vector<events::Pipeline::Backend> ShippingBackends();
  void RegisterMetrics();
  /// The reports (day, week, month in the configured zone), the daily retention purge and the rating
  /// e-mail, on the scheduler beside the alert job.
  void AddScheduledJobs();
  /// Fails exports a previous run left `running` (SQLite), then starts the export worker.
  void StartExportWorker();

  Config config_;
  telemetry::MetricsRegistry metrics_;
  http::HttpMetrics http_metrics_{metrics_};
  std::unique_ptr<accounts::Crypto> crypto_;
  std::unique_ptr<db::IDatabase> db_;
  std::unique_ptr<accounts::AccountService> accounts_;
  std::unique_ptr<accounts::AuthCache> auth_;
  std::unique_ptr<requests::RequestStore> requests_;
  std::unique_ptr<feedback::FeedbackStore> feedback_;
  std::unique_ptr<labels::LabelStore> labels_;
  std::unique_ptr<feedback::TokenSigner> feedback_tokens_;
  std::unique_ptr<feedback::TokenSigner> opt_out_tokens_;  ///< the rating e-mail's opt-out links
  std::unique_ptr<storage::GroupCommitter> committer_;
  std::unique_ptr<storage::LocalObjectStore> local_store_;  ///< where inputs land first
  std::unique_ptr<storage::IObjectStore> remote_store_;     ///< S3; null without object_store_url
  std::unique_ptr<storage::IObjectStore> tiered_store_;     ///< local then remote; null without remote
  storage::IObjectStore* store_ = nullptr;                  ///< what readers and deleters use
  std::unique_ptr<search::ISearchSink> search_;             ///< null without search_url
  std::unique_ptr<mail::IMailer> mailer_;                   ///< null without smtp.url
  std::unique_ptr<events::Pipeline> pipeline_;
  /// pipeline_ once it is constructed, for its own shippers, which start inside its constructor.
  std::atomic<events::Pipeline*> shipping_{nullptr};
  std::unique_ptr<events::EventLog> events_;
  std::unique_ptr<Schedules> schedules_;  ///< alerts, reports, purge; started unless scheduler.enabled = false
  std::unique_ptr<detect::DetectorRegistry> registry_;
  std::unique_ptr<detect::DetectPool> pool_;
  std::unique_ptr<ratelimit::IRateLimiter> limiter_;  ///< Redis with redis_url, else per process
  std::unique_ptr<http::KeyQuotas> quotas_;
  std::unique_ptr<http::AuthThrottle> auth_throttle_;  ///< failed authentications, over limiter_
  std::unique_ptr<http::FailedLogins> failed_logins_;  ///< login_failed events, capped
  std::unique_ptr<reports::ReportStore> report_store_;
  std::unique_ptr<reports::Reporter> reporter_;
  std::unique_ptr<RatingEmails> rating_;  ///< null unless RatingEmailsEnabled (mail and [rating] enabled)
  std::unique_ptr<datasets::ExportWorker> export_worker_;  ///< POST /v1/exports jobs, one at a time
  http::TrustedProxies trusted_proxies_;
  telemetry::Counter& faces_;
};

}  // namespace faceloop::service
