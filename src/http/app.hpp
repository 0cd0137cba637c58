#pragma once
// Wires the service together in one place: from a Config to the database, accounts, object store,
// detector pool and routes. Nothing else constructs these for the server.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "accounts/account_service.hpp"
#include "db/sqlite_database.hpp"
#include "detect/registry.hpp"
#include "events/event.hpp"
#include "http/config.hpp"
#include "http/detect_pool.hpp"
#include "http/metrics.hpp"
#include "http/rate_limit.hpp"
#include "storage/local_object_store.hpp"

namespace faceloop::http {

/// The pepper at `path`; on first start 32 random bytes are written there (mode 0600) first.
std::vector<std::uint8_t> LoadOrCreatePepper(const std::filesystem::path& path);
/// <data_dir>/faceloop.db, migrated. synchronous=FULL: a request record is durable once its insert
/// returns, which /v1/detect promises before it answers.
std::unique_ptr<db::SqliteDatabase> OpenDatabase(const std::filesystem::path& data_dir);
/// The pepper file of `config`: pepper_file, else <data_dir>/pepper.
std::filesystem::path PepperPath(const Config& config);

/// Everything the routes use. Declaration order is construction order (and reverse destruction
/// order): the detect pool stops before the registry it uses, the store before its committer.
struct Services {
  explicit Services(Config config);
  ~Services();
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  /// Writes a row to `events` (type, user id, time); `data` must not hold personal data.
  void LogEvent(events::EventType type, const std::string& user_id,
                const nlohmann::json& data = nlohmann::json::object());

  Config config;
  std::string default_model;
  std::unique_ptr<accounts::Crypto> crypto;
  std::unique_ptr<db::SqliteDatabase> db;
  std::unique_ptr<accounts::AccountService> accounts;
  std::unique_ptr<storage::GroupCommitter> committer;
  std::unique_ptr<storage::LocalObjectStore> store;
  std::unique_ptr<detect::DetectorRegistry> registry;
  std::unique_ptr<DetectPool> pool;
  std::unique_ptr<RateLimiter> signups;
  Metrics metrics;
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
