#pragma once
// The database of a test parameterised by backend ("sqlite" or "postgres"), at the latest schema.
// PostgreSQL needs FACELOOP_TEST_DATABASE_URL: check it first in the test's SetUp with
// FACELOOP_REQUIRE_SERVER_ENV, which skips (or fails) the test where it is missing.
#include <filesystem>
#include <memory>
#include <string>

#include "db/migrations.hpp"
#include "db/postgres_database.hpp"
#include "db/sqlite_database.hpp"
#include "support/scratch_postgres.hpp"
#include "support/servers.hpp"

namespace faceloop::testing {

/// "sqlite": a file in `dir`; otherwise a scratch PostgreSQL database, kept alive by `scratch`
/// (declared before the returned database, so it is dropped after the database is closed).
inline std::unique_ptr<db::IDatabase> OpenMigratedDatabase(const std::string& backend, const std::filesystem::path& dir,
                                                           std::unique_ptr<ScratchPostgres>& scratch) {
  std::unique_ptr<db::IDatabase> database;
  if (backend == "sqlite") {
    database = std::make_unique<db::SqliteDatabase>(db::SqliteOptions{(dir / "t.db").string()});
  } else {
    scratch = std::make_unique<ScratchPostgres>(*ServerEnv("FACELOOP_TEST_DATABASE_URL"));
    database = std::make_unique<db::PostgresDatabase>(db::PostgresOptions{scratch->url()});
  }
  database->ApplyMigrations(db::FaceloopMigrations(database->dialect()));
  return database;
}

}  // namespace faceloop::testing
