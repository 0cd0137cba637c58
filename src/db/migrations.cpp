#include "db/migrations.hpp"

namespace faceloop::db {
namespace {

constexpr const char* kV1Accounts = R"sql(
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT UNIQUE NOT NULL,
  name TEXT,
  role TEXT NOT NULL CHECK (role IN ('user', 'analyst', 'admin')),
  created_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT,
  prefix TEXT NOT NULL,
  secret_hash BLOB NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
-- For ListKeys and for the cascade on user delete, which would otherwise scan the table.
CREATE INDEX api_keys_user_id ON api_keys (user_id);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash BLOB NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX sessions_user_id ON sessions (user_id);
)sql";

constexpr const char* kV1Analytics = R"sql(
CREATE TABLE requests (
  id TEXT PRIMARY KEY,
  user_id TEXT,
  key_id TEXT,
  received_at TEXT,
  client_ip TEXT,
  user_agent TEXT,
  status INTEGER,
  model_name TEXT,
  model_version TEXT,
  min_confidence REAL,
  face_count INTEGER,
  confidence_min REAL,
  confidence_mean REAL,
  confidence_max REAL,
  decode_ms REAL,
  inference_ms REAL,
  total_ms REAL,
  image_key TEXT,
  image_bytes INTEGER,
  metadata_json TEXT,
  output_json TEXT
);
-- A user's history, newest first, paged by id (ids are time-ordered).
CREATE INDEX requests_user_id_id ON requests (user_id, id);
CREATE INDEX requests_received_at ON requests (received_at);
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  user_id TEXT,
  occurred_at TEXT NOT NULL,
  data_json TEXT
);
CREATE INDEX events_type_occurred_at ON events (type, occurred_at);
)sql";

}  // namespace

std::vector<Migration> FaceloopMigrations() {
  return {
      Migration{1, "initial schema", std::string(kV1Accounts) + kV1Analytics},
  };
}

}  // namespace faceloop::db
