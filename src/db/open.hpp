#pragma once
// The database a URL names, with faceloop's schema brought up to date: "" = SQLite in the data
// folder (the embedded default), postgresql://user:pass@host:port/db = PostgreSQL.
#include <filesystem>
#include <memory>
#include <string>

#include "db/database.hpp"

namespace faceloop::db {

/// Opens and migrates. Throws Error(kBadRequest) for a URL of another scheme.
std::unique_ptr<IDatabase> Open(const std::string& url, const std::filesystem::path& data_dir);

}  // namespace faceloop::db
