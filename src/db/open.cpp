#include "db/open.hpp"

#include "common/error.hpp"
#include "db/migrations.hpp"
#include "db/postgres_database.hpp"
#include "db/sqlite_database.hpp"

namespace faceloop::db {
namespace {

bool IsPostgresUrl(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

}  // namespace

std::unique_ptr<IDatabase> Open(const std::string& url, const std::filesystem::path& data_dir,
                                std::chrono::seconds startup_wait) {
  std::unique_ptr<IDatabase> database;
  if (url.empty()) {
    std::filesystem::create_directories(data_dir);
    SqliteOptions options;
    options.path = (data_dir / "faceloop.db").string();
    // Accounts and keys must survive a crash the moment they are answered; request records are
    // made durable by the spool, and the database is filled from it.
    options.synchronous = SqliteOptions::Synchronous::kFull;
    database = std::make_unique<SqliteDatabase>(options);
  } else if (IsPostgresUrl(url)) {
    PostgresOptions options{url};
    options.startup_wait = startup_wait;
    database = std::make_unique<PostgresDatabase>(options);
  } else {
    throw Error(ErrorCode::kBadRequest, "database_url must be empty (SQLite) or start with postgresql://");
  }
  database->ApplyMigrations(FaceloopMigrations(database->dialect()));
  return database;
}

}  // namespace faceloop::db
