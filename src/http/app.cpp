#include "http/app.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <thread>

#include "common/error.hpp"
#include "db/migrations.hpp"
#include "db/timestamp.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"

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

std::unique_ptr<db::SqliteDatabase> OpenDatabase(const std::filesystem::path& data_dir) {
  std::filesystem::create_directories(data_dir);
  db::SqliteOptions options;
  options.path = (data_dir / "faceloop.db").string();
  options.synchronous = db::SqliteOptions::Synchronous::kFull;
  auto database = std::make_unique<db::SqliteDatabase>(options);
  database->ApplyMigrations(db::FaceloopMigrations());
  return database;
}

Services::Services(Config config_in)
    : config(std::move(config_in)),
      default_model(config.default_model.empty() ? detect::DetectorRegistry::DefaultName() : config.default_model),
      crypto(std::make_unique<accounts::Crypto>(LoadOrCreatePepper(PepperPath(config)))),
      db(OpenDatabase(config.data_dir)),
      accounts(std::make_unique<accounts::AccountService>(*db, *crypto)),
      committer(std::make_unique<storage::GroupCommitter>()),
      store(std::make_unique<storage::LocalObjectStore>(std::filesystem::path(config.data_dir) / "objects",
                                                        committer.get())),
      registry(std::make_unique<detect::DetectorRegistry>(detect::ModelPaths{ModelsDir(config)})),
      signups(std::make_unique<RateLimiter>(config.limits.signups_per_minute, config.limits.signups_per_minute)) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t workers = config.limits.detect_workers > 0 ? config.limits.detect_workers : cores;
  const std::size_t queue = config.limits.detect_queue > 0 ? config.limits.detect_queue : 2 * workers;
  pool = std::make_unique<DetectPool>(*registry, workers, queue);
}

Services::~Services() {
  pool.reset();
  committer->Shutdown();
}

void Services::LogEvent(events::EventType type, const std::string& user_id, const nlohmann::json& data) {
  const auto now = std::chrono::system_clock::now();
  db->Execute("INSERT INTO events (id, type, user_id, occurred_at, data_json) VALUES (?, ?, ?, ?, ?)",
              {crypto->NewTimeOrderedId(now), std::string(events::ToString(type)),
               user_id.empty() ? db::Value(nullptr) : db::Value(user_id), db::FormatTimestamp(now), data.dump()});
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
