#include "http/app.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

#include "common/error.hpp"
#include "db/migrations.hpp"
#include "db/postgres_database.hpp"
#include "db/sqlite_database.hpp"
#include "db/timestamp.hpp"
#include "events/database_sink.hpp"
#include "events/object_sink.hpp"
#include "events/records.hpp"
#include "events/search_delivery.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"
#include "mail/open_mailer.hpp"
#include "search/open_search_sink.hpp"
#include "storage/open_object_store.hpp"
#include "storage/tiered_object_store.hpp"

namespace faceloop::http {
namespace {

std::filesystem::path ModelsDir(const Config& config) {
  if (!config.models_dir.empty()) return config.models_dir;
  return FACELOOP_DEFAULT_MODELS_DIR;
}

void WritePepper(const std::filesystem::path& path, const std::vector<std::uint8_t>& pepper) {
  // O_EXCL: two processes starting at once must not both write (and one silently lose) a pepper.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(ErrorCode::kInternal, "cannot create pepper file " + path.string());
  const bool ok = ::write(fd, pepper.data(), pepper.size()) == static_cast<ssize_t>(pepper.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw Error(ErrorCode::kInternal, "cannot write pepper file " + path.string());
}

}  // namespace

std::filesystem::path PepperPath(const Config& config) {
  return config.pepper_file.empty() ? std::filesystem::path(config.data_dir) / "pepper"
                                    : std::filesystem::path(config.pepper_file);
}

std::vector<std::uint8_t> LoadOrCreatePepper(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) {
    std::filesystem::create_directories(path.parent_path().empty() ? "." : path.parent_path());
    WritePepper(path, accounts::Crypto::GeneratePepper());
  }
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> pepper((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (pepper.size() != accounts::kPepperBytes) {
    throw Error(ErrorCode::kInternal, "pepper file " + path.string() + " must hold exactly 32 bytes");
  }
  return pepper;
}

std::unique_ptr<db::IDatabase> OpenDatabase(const Config& config) {
  std::unique_ptr<db::IDatabase> database;
  const std::string& url = config.backends.database_url;
  if (url.empty()) {
    std::filesystem::create_directories(config.data_dir);
    db::SqliteOptions options;
    options.path = (std::filesystem::path(config.data_dir) / "faceloop.db").string();
    // Accounts and keys must survive a crash the moment they are answered; request records are
    // made durable by the spool, and the database is filled from it.
    options.synchronous = db::SqliteOptions::Synchronous::kFull;
    database = std::make_unique<db::SqliteDatabase>(options);
  } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    database = std::make_unique<db::PostgresDatabase>(db::PostgresOptions{url});
  } else {
    throw Error(ErrorCode::kBadRequest, "database_url must be empty (SQLite) or start with postgresql://");
  }
  database->ApplyMigrations(db::FaceloopMigrations(database->dialect()));
  return database;
}

namespace {

std::unique_ptr<search::ISearchSink> OpenSearch(const Config& config) {
  search::OpenSearchConfig options;
  options.url = config.backends.search_url;
  options.index_prefix = config.backends.search_index_prefix;
  return search::OpenSearchSink(options);
}

std::unique_ptr<mail::IMailer> OpenMailer(const Config& config) {
  mail::SmtpConfig smtp;
  smtp.url = config.smtp.url;
  smtp.from = config.smtp.from;
  smtp.username = config.smtp.username;
  smtp.password = config.smtp.password;
  smtp.ca_file = config.smtp.ca_file;
  smtp.starttls = config.smtp.starttls == "none"       ? mail::SmtpConfig::Tls::kNone
                  : config.smtp.starttls == "required" ? mail::SmtpConfig::Tls::kRequired
                                                       : mail::SmtpConfig::Tls::kTry;
  return mail::OpenMailer(smtp);
}

events::SpoolOptions SpoolOptionsFor(const Config& config, bool remote_store, bool search) {
  events::SpoolOptions options;
  options.max_total_bytes = static_cast<std::uint64_t>(config.limits.spool_max_mb) << 20;
  options.consumers = {"database"};
  if (remote_store) options.consumers.push_back("objects");
  if (search) options.consumers.push_back("search");
  return options;
}

constexpr auto kReadYourWritesWait = std::chrono::milliseconds(2000);
// How long a credential verified before a database outage keeps working during it.
constexpr auto kAuthMaxStale = std::chrono::seconds(600);

}  // namespace

namespace {
void WarnIfUnsafe(const Config& config) {
  if (!config.limits.sync_writes) {
    std::cerr << "faceloop: WARNING limits.sync_writes = false: answered requests can be lost in a crash\n";
  }
}
}  // namespace

Services::Services(Config config_in)
    : config(std::move(config_in)),
      default_model(config.default_model.empty() ? detect::DetectorRegistry::DefaultName() : config.default_model),
      crypto(std::make_unique<accounts::Crypto>(LoadOrCreatePepper(PepperPath(config)))),
      db(OpenDatabase(config)),
      accounts(std::make_unique<accounts::AccountService>(*db, *crypto)),
      auth_cache(std::make_unique<AuthCache>(*crypto, kAuthMaxStale)),
      committer(
          std::make_unique<storage::GroupCommitter>(storage::GroupCommitOptions{1024, config.limits.sync_writes})),
      local_store(std::make_unique<storage::LocalObjectStore>(std::filesystem::path(config.data_dir) / "objects",
                                                              committer.get())),
      remote_store(storage::OpenObjectStore(config.backends.object_store_url, ProcessEnv)),
      tiered_store(remote_store ? std::make_unique<storage::TieredObjectStore>(*local_store, *remote_store) : nullptr),
      store(tiered_store ? tiered_store.get() : local_store.get()),
      search(OpenSearch(config)),
      mailer(OpenMailer(config)),
      spool(std::make_unique<events::Spool>(config.data_dir, *committer,
                                            SpoolOptionsFor(config, remote_store != nullptr, search != nullptr))),
      registry(std::make_unique<detect::DetectorRegistry>(detect::ModelPaths{ModelsDir(config)})),
      signups(std::make_unique<RateLimiter>(config.limits.signups_per_minute, config.limits.signups_per_minute)) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t workers = config.limits.detect_workers > 0 ? config.limits.detect_workers : cores;
  const std::size_t queue = config.limits.detect_queue > 0 ? config.limits.detect_queue : 2 * workers;
  pool = std::make_unique<DetectPool>(*registry, workers, queue);
  WarnIfUnsafe(config);
  StartShippers();
}

void Services::StartShippers() {
  shippers.push_back(std::make_unique<events::Shipper>(*spool, "database", [this](const auto& records) {
    return events::DeliverToDatabase(*db, records, [this](const std::string& key) { store->Delete(key); });
  }));
  database_shipper = shippers.back().get();
  if (remote_store) {
    // The bucket is created on first contact, not at start-up: S3 may be down when we start.
    shippers.push_back(
        std::make_unique<events::Shipper>(*spool, "objects", [this, ready = false](const auto& records) mutable {
          if (!ready) {
            remote_store->EnsureReady();
            ready = true;
          }
          return events::DeliverImages(*local_store, *remote_store, records);
        }));
    object_shipper = shippers.back().get();
  }
  if (search) {
    shippers.push_back(
        std::make_unique<events::Shipper>(*spool, "search", [this, ready = false](const auto& records) mutable {
          if (!ready) {
            search->EnsureSetup();
            ready = true;
          }
          return events::DeliverToSearch(*search, records);
        }));
  }
}

Services::~Services() {
  shippers.clear();  // before the backends, spool and committer they use
  pool.reset();
  committer->Shutdown();
}

void Services::SpoolRecord(const std::string& record) {
  spool->Append(record);
  for (const auto& shipper : shippers) shipper->Notify();
}

void Services::LogEvent(events::EventType type, const std::string& user_id, const nlohmann::json& data) {
  // Called after the action it records was committed: failing the response now (a full spool)
  // would hide a done action from the client (a sign-up's only copy of its key), so the event is
  // given up instead, loudly.
  try {
    SpoolRecord(events::ToSpoolRecord(MakeEvent(type, user_id, data)));
  } catch (const Error& error) {
    std::cerr << "faceloop: user event " << events::ToString(type) << " not recorded: " << error.what() << "\n";
    ++dropped_events;
  }
}

events::Event Services::MakeEvent(events::EventType type, const std::string& user_id, const nlohmann::json& data) {
  events::Event event;
  event.occurred_at = std::chrono::system_clock::now();
  event.id = crypto->NewTimeOrderedId(event.occurred_at);
  event.type = type;
  event.user_id = user_id;
  event.data = data;
  return event;
}

void Services::WaitForDatabase() { database_shipper->WaitCaughtUp(kReadYourWritesWait); }

void Services::WaitForRemoteStore() {
  if (object_shipper != nullptr) object_shipper->WaitCaughtUp(kReadYourWritesWait);
}

App::App(Config config) : services_(std::move(config)) {
  ConfigureServer(server_, services_.config.limits);
  RegisterAccountRoutes(server_, services_);
  RegisterDetectRoutes(server_, services_);
  RegisterRequestRoutes(server_, services_);
  RegisterOpsRoutes(server_, services_);
}

int App::Bind() { return BindServer(server_, services_.config.host, services_.config.port); }

void App::Listen() { server_.listen_after_bind(); }

void App::Stop() { server_.stop(); }

}  // namespace faceloop::http
