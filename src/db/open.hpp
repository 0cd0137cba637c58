#pragma once
// The database a URL names, with faceloop's schema brought up to date: "" = SQLite in the data
// folder (the embedded default), postgresql://user:pass@host:port/db = PostgreSQL.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "db/database.hpp"

namespace faceloop::db {

/// How long `serve` and `migrate` wait for a PostgreSQL server that is not up yet: orchestrators
/// start the database and the service together, and a process that exits at once only gets
/// restarted in a loop. Other commands fail at once.
inline constexpr std::chrono::seconds kServiceStartupWait{60};

/// Opens and migrates, trying PostgreSQL for up to `startup_wait` before failing (Error kUnavailable).
/// Throws Error(kBadRequest) for a URL of another scheme.
std::unique_ptr<IDatabase> Open(const std::string& url, const std::filesystem::path& data_dir,
                                std::chrono::seconds startup_wait = std::chrono::seconds(0));

}  // namespace faceloop::db
