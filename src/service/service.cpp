#include "service/service.hpp"

#include <algorithm>
#include <cstdint>
#include <thread>

#include "accounts/pepper.hpp"
#include "common/error.hpp"
#include "datasets/export_store.hpp"
#include "db/open.hpp"
#include "events/database_sink.hpp"
#include "events/object_sink.hpp"
#include "events/search_delivery.hpp"
#include "http/routes/accounts.hpp"
#include "http/routes/admin_users.hpp"
#include "http/routes/alerts.hpp"
#include "http/routes/dataset_exports.hpp"
#include "http/routes/detect.hpp"
#include "http/routes/export.hpp"
#include "http/routes/feedback.hpp"
#include "http/routes/insights.hpp"
#include "http/routes/labels.hpp"
#include "http/routes/preferences.hpp"
#include "http/routes/rating_links.hpp"
#include "http/routes/reports.hpp"
#include "http/routes/requests.hpp"
#include "http/routes/sessions.hpp"
#include "http/routes/web.hpp"
#include "insights/rollups.hpp"
#include "ratelimit/redis_limiter.hpp"
#include "service/backends.hpp"
#include "service/datasets.hpp"
#include "storage/tiered_object_store.hpp"
#include "telemetry/log.hpp"

namespace faceloop::service {
namespace {

const telemetry::Logger kLog("service");

constexpr auto kReadYourWritesWait = std::chrono::milliseconds(2000);
// How long a credential verified before a database outage keeps working during it.
constexpr auto kAuthMaxStale = std::chrono::seconds(600);

std::filesystem::path ModelsDir(const Config& config) {
  if (!config.models_dir.empty()) return config.models_dir;
  return FACELOOP_DEFAULT_MODELS_DIR;
}

std::filesystem::path WebDir(const Config& config) {
  if (!config.web_dir.empty()) return config.web_dir;
  return FACELOOP_DEFAULT_WEB_DIR;
}

std::size_t DetectWorkers(const Config& config) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return config.limits.detect_workers > 0 ? static_cast<std::size_t>(config.limits.detect_workers) : cores;
}

detect::DetectPoolOptions DetectPoolOptionsFor(const Config& config) {
  detect::DetectPoolOptions options;
  options.workers = DetectWorkers(config);
  options.max_wait = std::chrono::milliseconds(config.limits.detect_max_wait_ms);
  if (config.limits.detect_queue > 0) options.max_queue = static_cast<std::size_t>(config.limits.detect_queue);
  return options;
}

/// Writes the spooled images to the remote store, creating its bucket on first contact, not at
/// start-up: S3 may be down when we start. Without one, to the local folder.
events::AttachedDeliverFn ObjectDelivery(storage::LocalObjectStore& local, storage::IObjectStore* remote) {
  if (remote == nullptr) {
    return [&local](const std::vector<std::string>& records, const std::vector<std::string>& images) {
      return events::StoreImages(local, records, images);
    };
  }
  return [&local, remote, ready = false](const std::vector<std::string>& records,
                                         const std::vector<std::string>& images) mutable {
    if (!ready) {
      remote->EnsureReady();
      ready = true;
    }
    return events::DeliverImages(local, *remote, records, images);
  };
}

events::DeliverFn SearchDelivery(search::ISearchSink& search) {
  return [&search, ready = false](const std::vector<std::string>& records) mutable {
    if (!ready) {
      search.EnsureSetup();
      ready = true;
    }
    return events::DeliverToSearch(search, records);
  };
}

ratelimit::Quota PerMinute(std::string name, double per_minute) {
  return ratelimit::Quota{std::move(name), per_minute, std::chrono::seconds(60)};
}

http::AuthThrottleQuotas AuthThrottleQuotasFor(const Config& config) {
  return {PerMinute("auth_client", config.limits.auth_failures_per_client_per_minute),
          PerMinute("auth_key", config.limits.auth_failures_per_key_per_minute)};
}

http::RoleQuotas RoleQuotasFor(const Config& config) {
  return {PerMinute("detect", config.quotas.user_per_minute), PerMinute("detect", config.quotas.analyst_per_minute),
          PerMinute("detect", config.quotas.admin_per_minute)};
}

accounts::PreferenceDefaults PreferenceDefaultsFor(const Config& config) {
  return {true, config.datasets.training_use_default};
}

}  // namespace

Service::Service(Config config)
    : config_(std::move(config)),
      crypto_(std::make_unique<accounts::Crypto>(accounts::LoadOrCreatePepper(PepperPath(config_)))),
      db_(db::Open(config_.backends.database_url, config_.data_dir, db::kServiceStartupWait)),
      accounts_(std::make_unique<accounts::AccountService>(*db_, *crypto_)),
      auth_(std::make_unique<accounts::AuthCache>(*accounts_, *crypto_, kAuthMaxStale)),
      requests_(std::make_unique<requests::RequestStore>(*db_)),
      feedback_(std::make_unique<feedback::FeedbackStore>(*db_)),
      labels_(std::make_unique<labels::LabelStore>(*db_)),
      // Read again rather than taken from crypto_, which keeps the pepper to itself; only the key
      // derived from it stays in the signer.
      feedback_tokens_(std::make_unique<feedback::TokenSigner>(accounts::LoadOrCreatePepper(PepperPath(config_)))),
      opt_out_tokens_(std::make_unique<feedback::TokenSigner>(accounts::LoadOrCreatePepper(PepperPath(config_)),
                                                              feedback::kOptOutTokens)),
      committer_(
          std::make_unique<storage::GroupCommitter>(storage::GroupCommitOptions{1024, config_.limits.sync_writes})),
      local_store_(std::make_unique<storage::LocalObjectStore>(std::filesystem::path(config_.data_dir) / "objects",
                                                               committer_.get())),
      remote_store_(OpenRemoteStore(config_)),
      tiered_store_(remote_store_ ? std::make_unique<storage::TieredObjectStore>(*local_store_, *remote_store_)
                                  : nullptr),
      store_(tiered_store_ ? tiered_store_.get() : local_store_.get()),
      search_(OpenSearch(config_)),
      mailer_(OpenMailer(config_)),
      pipeline_(std::make_unique<events::Pipeline>(config_.data_dir, *committer_,
                                                   static_cast<std::uint64_t>(config_.limits.spool_max_mb) << 20,
                                                   ShippingBackends())),
      events_(std::make_unique<events::EventLog>(
          *pipeline_, [this](auto time) { return crypto_->NewTimeOrderedId(time); }, metrics_)),
      schedules_(std::make_unique<Schedules>(config_, *db_, mailer_.get(), [this] { return NewRequestId(); })),
      registry_(std::make_unique<detect::DetectorRegistry>(detect::ModelPaths{ModelsDir(config_)})),
      pool_(std::make_unique<detect::DetectPool>(*registry_, DetectPoolOptionsFor(config_))),
      limiter_(config_.backends.redis_url.empty()
                   ? ratelimit::MakeLocalLimiter()
                   : ratelimit::MakeRedisLimiter(config_.backends.redis_url, config_.backends.redis_prefix)),
      quotas_(std::make_unique<http::KeyQuotas>(*limiter_, RoleQuotasFor(config_))),
      auth_throttle_(std::make_unique<http::AuthThrottle>(
          *limiter_, AuthThrottleQuotasFor(config_),
          &metrics_.AddCounter("faceloop_auth_throttled_total",
                               "Authentication attempts refused (429) after too many failures."))),
      failed_logins_(std::make_unique<http::FailedLogins>(
          *events_, *limiter_, http::ParseAddressRecording(config_.privacy.login_failed_client_ip),
          metrics_.AddCounter("faceloop_login_failed_events_dropped_total",
                              "Failed log-ins not stored as events (over one per client and key id a minute)."))),
      report_store_(std::make_unique<reports::ReportStore>(*db_)),
      reporter_(std::make_unique<reports::Reporter>(*db_, mailer_.get(), ReporterOptionsFor(config_))),
      rating_(RatingEmailsEnabled(config_) && mailer_
                  ? std::make_unique<RatingEmails>(config_, *db_, *mailer_,
                                                   accounts::LoadOrCreatePepper(PepperPath(config_)))
                  : nullptr),
      trusted_proxies_(config_.network.trusted_proxies),
      faces_(metrics_.AddCounter("faceloop_faces_detected_total", "Faces returned by /v1/detect.")) {
  if (!config_.limits.sync_writes) {
    kLog.Warn("limits.sync_writes = false: answered requests can be lost in a crash");
  }
  shipping_ = pipeline_.get();
  auth_->SetThrottle(auth_throttle_.get());
  RegisterMetrics();
  AddScheduledJobs();
  if (config_.scheduler.enabled) schedules_->Start();
  StartExportWorker();
}

void Service::StartExportWorker() {
  // SQLite has one serving process: a row still `running` is an export its last run left behind.
  // PostgreSQL may be shared by several, whose running exports are not ours to judge.
  if (db_->dialect() == db::Dialect::kSqlite) datasets::ExportStore(*db_).FailInterrupted();
  export_worker_ = std::make_unique<datasets::ExportWorker>(
      datasets::ExportContext{*db_, *store_, ConsentPolicyFor(config_), ProcessEnv});
}

Service::~Service() {
  export_worker_.reset();  // the export in progress ends before the database and stores it reads
  schedules_.reset();      // no job runs while the parts below go
  pool_.reset();
  shipping_ = nullptr;
  pipeline_.reset();  // the shippers stop before the backends they ship to
  committer_->Shutdown();
}

std::vector<events::Pipeline::Backend> Service::ShippingBackends() {
  std::vector<events::Pipeline::Backend> backends;
  backends.push_back({"database", [this](const std::vector<std::string>& records) {
                        return events::DeliverToDatabase(*db_, records, [this](const std::string& key) {
                          // The image of a record dropped for its deleted account may not be
                          // stored yet: once the objects shipper has passed it, it is.
                          if (events::Pipeline* pipeline = shipping_.load()) {
                            pipeline->WaitFor("objects", kReadYourWritesWait);
                          }
                          store_->Delete(key);
                        });
                      }});
  backends.push_back({"objects", {}, ObjectDelivery(*local_store_, remote_store_.get())});
  if (search_) backends.push_back({"search", SearchDelivery(*search_)});
  return backends;
}

void Service::RegisterMetrics() {
  using Type = telemetry::MetricsRegistry::Type;
  metrics_.Add("faceloop_detect_queue_depth", "Detection jobs waiting for a worker.", Type::kGauge,
               [this] { return static_cast<double>(pool_->QueueDepth()); });
  metrics_.Add("faceloop_group_commit_batches_total", "Batches committed by the group committer.", Type::kCounter,
               [this] { return static_cast<double>(committer_->Stats().batches); });
  metrics_.Add("faceloop_group_commit_queue_depth", "Writes waiting for the next group commit.", Type::kGauge,
               [this] { return static_cast<double>(committer_->Stats().queue_depth); });
  pipeline_->RegisterMetrics(metrics_);
}

void Service::AddScheduledJobs() {
  AddReportJobs(*schedules_, *reporter_, std::chrono::minutes(config_.reports.grace_minutes));
  AddPurgeJob(*schedules_, [this] { (void)Purge(false); });
  if (rating_) AddRatingJob(*schedules_, *rating_);
}

std::size_t Service::DeleteAccount(const std::string& user_id) {
  // The account goes first, so its keys and sessions stop working at once. Records still in the
  // spool would otherwise reach the database (and images the remote store) after the purge; once
  // the user row is gone the shippers drop them instead. What is already spooled is shipped first,
  // so the count of deleted images covers every request answered before the deletion.
  pipeline_->WaitFor("database", kReadYourWritesWait);
  accounts_->DeleteUser(user_id);
  pipeline_->WaitFor("database", kReadYourWritesWait);
  pipeline_->WaitFor("objects", kReadYourWritesWait);
  const std::vector<std::string> keys = requests_->ImageKeysOf(user_id);
  for (const std::string& key : keys) store_->Delete(key);
  feedback_->PurgeUser(user_id);  // given by the user, and anyone's on the user's requests
  // The labels of the user's requests: before the requests, which say whose they are.
  labels_->PurgeRequestsOf(user_id);
  requests_->PurgeUser(user_id);
  insights::PurgeUserRollups(*db_, user_id);  // the per-day user counts; the anonymous rollups stay
  return keys.size();
}

http::Readiness Service::CheckReadiness() {
  nlohmann::json backends = nlohmann::json::object();
  bool degraded = false;
  try {
    db_->QueryOne("SELECT 1");
    backends["database"] = {{"status", "ok"}};
  } catch (const Error& e) {
    degraded = true;
    backends["database"] = {{"status", "down"}, {"error", e.what()}};
  }
  for (const auto& shipper : pipeline_->shippers()) {
    const events::ShipperStats stats = shipper->Stats();
    nlohmann::json entry = {{"status", stats.healthy ? "ok" : "down"},
                            {"backlog_records", stats.spool.backlog_records},
                            {"oldest_age_s", stats.spool.oldest_unacked_age_s}};
    if (!stats.healthy) entry["error"] = stats.last_error;
    degraded = degraded || !stats.healthy;
    backends["ship:" + shipper->consumer()] = entry;
  }
  const events::SpoolStats spool = pipeline_->Stats();
  // Full a little before the hard limit: when a record with the largest image allowed would not fit
  // (at most a quarter of a small spool, which would otherwise never be ready).
  const std::uint64_t room =
      std::min<std::uint64_t>(config_.limits.max_image_bytes + (64u << 10), pipeline_->max_bytes() / 4);
  const bool spool_full = spool.total_bytes + room >= pipeline_->max_bytes();
  return {spool_full ? "unavailable"
          : degraded ? "degraded"
                     : "ready",
          {{"backends", backends}, {"spool", {{"bytes", spool.total_bytes}, {"limit_bytes", pipeline_->max_bytes()}}}}};
}

retention::PurgeReport Service::Purge(bool dry_run) {
  return retention::Purge({*db_, *store_, search_.get()}, config_.retention, std::chrono::system_clock::now(), dry_run);
}

std::string Service::NewRequestId() { return crypto_->NewTimeOrderedId(std::chrono::system_clock::now()); }

void Service::Prepare(http::Request& request) const {
  request.client_addr = trusted_proxies_.ClientAddress(request.remote_addr, request.Header("X-Forwarded-For"));
  // The engine speaks plain HTTP; only a proxy we trust can tell that the client used TLS.
  request.secure = trusted_proxies_.Contains(request.remote_addr) && request.Header("X-Forwarded-Proto") == "https";
}

void Service::RegisterRoutes(http::Router& router) {
  http::RegisterAccountRoutes(
      router, http_metrics_,
      {*accounts_, *auth_, *crypto_, *limiter_, PerMinute("signup", config_.limits.signups_per_minute), mailer_.get(),
       *events_, *failed_logins_, [this](const std::string& user_id) { return DeleteAccount(user_id); },
       [this](const std::string& user_id) { return datasets::ExportStore(*db_).ExportsContaining(user_id); }});
  // After the account routes: their /v1/sessions/current matches before /v1/sessions/{id}.
  http::RegisterSessionRoutes(router, http_metrics_, {*accounts_, *auth_});
  const auto read_your_writes = [this] { pipeline_->WaitFor("database", kReadYourWritesWait); };
  http::RegisterAdminUserRoutes(
      router, http_metrics_,
      {*auth_, accounts::UserDirectory(*db_), *db_, *events_,
       [this](const std::string& user_id) { return DeleteAccount(user_id); }, read_your_writes});
  http::RegisterDetectRoutes(
      router, http_metrics_,
      {*auth_, *quotas_, [this] { return NewRequestId(); }, *pool_, registry_->Names(),
       config_.default_model.empty() ? detect::DetectorRegistry::DefaultName() : config_.default_model, *pipeline_,
       config_.limits.max_image_bytes, config_.privacy.truncate_client_ip, faces_, config_.testing.allow_client_time});
  http::RegisterRequestRoutes(router, http_metrics_,
                              {*auth_, *requests_, *store_, read_your_writes,
                               [this] { return pipeline_->WaitFor("objects", kReadYourWritesWait); },
                               [this](const std::string& request_id, const accounts::Principal& who) {
                                 return http::VisibleFeedback(*feedback_, request_id, who);
                               }});
  http::RegisterFeedbackRoutes(
      router, http_metrics_,
      {*auth_, *requests_, *feedback_, *feedback_tokens_, *pipeline_, *events_, read_your_writes});
  http::RegisterExportRoutes(
      router, http_metrics_,
      {*auth_, *accounts_, *requests_, *feedback_, *db_, read_your_writes,
       [this](const std::string& user_id) { return datasets::ExportStore(*db_).ExportsContaining(user_id); }});
  http::RegisterDatasetExportRoutes(router, http_metrics_,
                                    {*auth_, *db_, (std::filesystem::path(config_.data_dir) / "exports").string(),
                                     [this](datasets::ExportParams params, std::string id) {
                                       // Every request answered so far, with its image, is exported.
                                       pipeline_->WaitFor("database", kReadYourWritesWait);
                                       pipeline_->WaitFor("objects", kReadYourWritesWait);
                                       export_worker_->Submit(std::move(params), std::move(id));
                                     }});
  http::RegisterLabelRoutes(
      router, http_metrics_,
      {*auth_, *requests_, *labels_, config_.limits.labels_import_max_mb << 20, read_your_writes});
  http::RegisterInsightsRoutes(router, http_metrics_,
                               {*auth_, *db_, config_.limits.insights_max_days, read_your_writes, config_.insights});
  http::RegisterReportRoutes(router, http_metrics_, {*auth_, *report_store_});
  http::RegisterAlertRoutes(router, http_metrics_,
                            {*auth_, *db_, schedules_->webhook_policy(), [this] { return NewRequestId(); }});
  http::RegisterPreferenceRoutes(router, http_metrics_, {*auth_, *db_, PreferenceDefaultsFor(config_)});
  http::RegisterRatingLinkRoutes(
      router, http_metrics_,
      {{*auth_, *requests_, *feedback_, *feedback_tokens_, *pipeline_, *events_, read_your_writes},
       *opt_out_tokens_,
       *db_,
       PreferenceDefaultsFor(config_)});
  http::RegisterOpsRoutes(router, http_metrics_, {metrics_, [this] { return CheckReadiness(); }, *auth_});
  http::RegisterWebRoutes(router, http_metrics_,
                          std::make_shared<const http::StaticSite>(http::StaticSite::Load(WebDir(config_))));
}

}  // namespace faceloop::service
