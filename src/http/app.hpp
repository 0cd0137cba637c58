#pragma once
// Wires the service together in one place: from a Config to the database, accounts, object store,
// detector pool and routes. Nothing else constructs these for the server.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "accounts/account_service.hpp"
#include "db/database.hpp"
#include "detect/registry.hpp"
#include "events/event.hpp"
#include "events/shipper.hpp"
#include "events/spool.hpp"
#include "http/auth.hpp"
#include "http/config.hpp"
#include "http/detect_pool.hpp"
#include "http/metrics.hpp"
#include "http/rate_limit.hpp"
#include "mail/mailer.hpp"
#include "search/search_sink.hpp"
#include "storage/local_object_store.hpp"

namespace faceloop::http {

/// The pepper at `path`; on first start 32 random bytes are written there (mode 0600) first.
std::vector<std::uint8_t> LoadOrCreatePepper(const std::filesystem::path& path);
/// The pepper file of `config`: pepper_file, else <data_dir>/pepper. Processes that share a
/// database must share the pepper too (FACELOOP_PEPPER_FILE), or each other's keys fail.
std::filesystem::path PepperPath(const Config& config);

/// The database `config` names (SQLite in the data dir by default, PostgreSQL for a
/// postgresql:// URL), migrated.
std::unique_ptr<db::IDatabase> OpenDatabase(const Config& config);

/// Everything the routes use. Declaration order is construction order (and reverse destruction
/// order): shippers stop before the backends they ship to and the spool they read, the detect pool
/// before the registry it uses, the stores before their committer.
struct Services {
  explicit Services(Config config);
  ~Services();
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  /// Appends a record to the spool (durable on return) and wakes the shippers. Throws
  /// Error(kUnavailable) when the spool is full (the client gets 503 + Retry-After).
  void SpoolRecord(const std::string& record);
  /// Spools a user event (type, user id, time); `data` must not hold personal data. Never throws:
  /// an event that cannot be spooled (full spool) is counted in dropped_events and logged.
  void LogEvent(events::EventType type, const std::string& user_id,
                const nlohmann::json& data = nlohmann::json::object());
  events::Event MakeEvent(events::EventType type, const std::string& user_id, const nlohmann::json& data);
  /// Waits (bounded) until the database holds every record spooled so far: read-your-writes for
  /// the history routes, and nothing left in flight when an account is purged.
  void WaitForDatabase();
  /// The same for the remote object store, when there is one.
  void WaitForRemoteStore();

  Config config;
  std::string default_model;
  std::unique_ptr<accounts::Crypto> crypto;
  std::unique_ptr<db::IDatabase> db;
  std::unique_ptr<accounts::AccountService> accounts;
  std::unique_ptr<AuthCache> auth_cache;
  std::unique_ptr<storage::GroupCommitter> committer;
  std::unique_ptr<storage::LocalObjectStore> local_store;  ///< where inputs land first
  std::unique_ptr<storage::IObjectStore> remote_store;     ///< S3; null without object_store_url
  std::unique_ptr<storage::IObjectStore> tiered_store;     ///< local then remote; null without remote
  storage::IObjectStore* store = nullptr;                  ///< what readers and deleters use
  std::unique_ptr<search::ISearchSink> search;             ///< null without search_url
  std::unique_ptr<mail::IMailer> mailer;                   ///< null without smtp.url
  std::unique_ptr<events::Spool> spool;
  std::unique_ptr<detect::DetectorRegistry> registry;
  std::unique_ptr<DetectPool> pool;
  std::unique_ptr<RateLimiter> signups;
  Metrics metrics;
  std::atomic<std::uint64_t> dropped_events{0};
  events::Shipper* database_shipper = nullptr;
  events::Shipper* object_shipper = nullptr;
  std::vector<std::unique_ptr<events::Shipper>> shippers;  // last: they use everything above

 private:
  void StartShippers();
};

/// The HTTP service: Services plus a configured httplib::Server with every route.
class App {
 public:
  explicit App(Config config);

  /// Binds the configured host:port and returns the bound port (the real one for port 0).
  int Bind();
  /// Serves until Stop(); call after Bind().
  void Listen();
  /// Stops accepting and returns Listen() once in-flight requests finished. Thread-safe.
  void Stop();

  const Config& config() const { return services_.config; }

 private:
  Services services_;
  httplib::Server server_;
};

}  // namespace faceloop::http
