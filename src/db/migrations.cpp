#include "db/migrations.hpp"

#include <cctype>
#include <utility>

#include "db/migration_v14_labels.hpp"

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

// Failed requests are recorded too (status 4xx, error_type); tiling tells a multiscale request.
constexpr const char* kV2RequestOutcome = R"sql(
ALTER TABLE requests ADD COLUMN tiling INTEGER;
ALTER TABLE requests ADD COLUMN error_type TEXT;
CREATE INDEX requests_status ON requests (status);
)sql";

// The request record's field list (src/requests/record.hpp) names its columns: the faces move from
// the {"faces": [...]} envelope of output_json to faces_json, and the detector's mode is new.
constexpr const char* kV3RecordColumnsSqlite = R"sql(
ALTER TABLE requests ADD COLUMN model_mode TEXT;
ALTER TABLE requests ADD COLUMN faces_json TEXT;
UPDATE requests SET faces_json = json_extract(output_json, '$.faces') WHERE output_json IS NOT NULL;
ALTER TABLE requests DROP COLUMN output_json;
)sql";
constexpr const char* kV3RecordColumnsPostgres = R"sql(
ALTER TABLE requests ADD COLUMN model_mode TEXT;
ALTER TABLE requests ADD COLUMN faces_json TEXT;
UPDATE requests SET faces_json = (output_json::json -> 'faces')::text WHERE output_json IS NOT NULL;
ALTER TABLE requests DROP COLUMN output_json;
)sql";

// Feedback on predictions (src/feedback): one row per request and user, replaced in place; the
// request's owner is kept too, so the feedback goes with either account. Used one-time tokens are
// remembered until they expire. No foreign keys, as for requests: purged explicitly.
constexpr const char* kV4Feedback = R"sql(
CREATE TABLE feedback (
  request_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  request_user_id TEXT NOT NULL,
  request_received_at TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('correct', 'partly_correct', 'incorrect')),
  wrong_faces_json TEXT NOT NULL,
  missed_faces_json TEXT NOT NULL,
  rating INTEGER CHECK (rating BETWEEN 1 AND 5),
  comment TEXT,
  channel TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (request_id, user_id)
);
CREATE INDEX feedback_user_id ON feedback (user_id);
CREATE INDEX feedback_request_user_id ON feedback (request_user_id);
CREATE TABLE feedback_tokens_used (
  token_id TEXT PRIMARY KEY,
  used_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
)sql";

// Hourly rollups of the request records (src/insights, docs/insights.md), maintained by the database
// shipper in the transaction that inserts the records. Columns as in src/insights/rollup_rows.hpp;
// `hour` is the hour's start in the timestamp format. No user ids: they outlive account deletion.
// rollup_bins is keyed by feature first: drift reads one feature over many hours.
constexpr const char* kV5Rollups = R"sql(
CREATE TABLE rollup_hours (
  hour TEXT NOT NULL,
  model_name TEXT NOT NULL,
  model_version TEXT NOT NULL,
  requests INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  faces INTEGER NOT NULL,
  no_face INTEGER NOT NULL,
  PRIMARY KEY (hour, model_name, model_version)
);
CREATE TABLE rollup_errors (
  hour TEXT NOT NULL,
  model_name TEXT NOT NULL,
  model_version TEXT NOT NULL,
  error_type TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (hour, model_name, model_version, error_type)
);
CREATE TABLE rollup_bins (
  feature TEXT NOT NULL,
  hour TEXT NOT NULL,
  model_name TEXT NOT NULL,
  model_version TEXT NOT NULL,
  bin INTEGER NOT NULL,
  count INTEGER NOT NULL,
  sum_x REAL NOT NULL,
  sum_x2 REAL NOT NULL,
  PRIMARY KEY (feature, hour, model_name, model_version, bin)
);
-- New users per bucket (insights summary).
CREATE INDEX users_created_at ON users (created_at);
)sql";

// Sessions remember the key they were opened with, so that revoking the key ends them (the web
// application's cookie sessions). Sessions from before this column have none and stop working:
// their users log in again.
constexpr const char* kV6SessionKey = R"sql(
ALTER TABLE sessions ADD COLUMN key_id TEXT REFERENCES api_keys(id) ON DELETE CASCADE;
CREATE INDEX sessions_key_id ON sessions (key_id);
)sql";

// Insights at scale (docs/insights.md, "At scale"). sample_key: a hash bucket of the id
// (requests/sample.hpp), written with each record; rows stored before stay NULL until `faceloop
// insights rebuild` fills them. The sample index seeks each bucket's slice of a time range. The
// (received_at, user_id) index covers the summary's user counts (no table reads) and replaces the
// one on received_at alone, its prefix.
constexpr const char* kV7Sampling = R"sql(
ALTER TABLE requests ADD COLUMN sample_key INTEGER;
CREATE INDEX requests_sample_key_received_at ON requests (sample_key, received_at);
CREATE INDEX requests_received_at_user_id ON requests (received_at, user_id);
DROP INDEX requests_received_at;
)sql";

// Periodic reports (src/reports, docs/reports.md): one row per period and start, so each period is
// produced once; the report is its JSON form, sent_at the e-mail's delivery claim.
constexpr const char* kV8Reports = R"sql(
CREATE TABLE reports (
  id TEXT PRIMARY KEY,
  period TEXT NOT NULL CHECK (period IN ('day', 'week', 'month')),
  start_at TEXT NOT NULL,
  end_at TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  report_json TEXT NOT NULL,
  UNIQUE (period, start_at)
);
CREATE INDEX reports_start_at ON reports (start_at, id);
)sql";

// The scheduler's record of job runs (src/scheduler): one row per job and period, so a period is
// produced once (the primary key) and a period missed while no process ran is caught up later.
// Alerts (src/alerts, docs/alerts.md): rules, each rule's current state, every transition, and the
// outbox its notifications are delivered from (one row per transition, channel and target).
// The default rules are kV9DefaultRules.
constexpr const char* kV9SchedulerAlerts = R"sql(
CREATE TABLE job_runs (
  job TEXT NOT NULL,
  period_key TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  attempts INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  error TEXT,
  PRIMARY KEY (job, period_key)
);
CREATE TABLE alert_rules (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  metric TEXT NOT NULL,
  feature TEXT,
  window_minutes INTEGER NOT NULL,
  comparator TEXT NOT NULL,
  threshold REAL NOT NULL,
  min_sample INTEGER NOT NULL,
  cooldown_minutes INTEGER NOT NULL,
  emails_json TEXT NOT NULL,
  webhook_url TEXT,
  webhook_secret TEXT,
  enabled INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE alert_states (
  rule_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  since TEXT NOT NULL,
  last_value REAL,
  last_sample INTEGER,
  last_evaluated_at TEXT,
  last_fired_at TEXT
);
CREATE TABLE alert_events (
  id TEXT PRIMARY KEY,
  rule_id TEXT NOT NULL,
  rule_name TEXT NOT NULL,
  metric TEXT NOT NULL,
  transition TEXT NOT NULL CHECK (transition IN ('firing', 'resolved')),
  value REAL,
  threshold REAL NOT NULL,
  comparator TEXT NOT NULL,
  sample INTEGER NOT NULL,
  window_from TEXT NOT NULL,
  window_to TEXT NOT NULL,
  occurred_at TEXT NOT NULL
);
CREATE INDEX alert_events_occurred_at ON alert_events (occurred_at);
CREATE TABLE alert_outbox (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  target TEXT NOT NULL,
  secret TEXT,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at TEXT NOT NULL,
  delivered_at TEXT,
  created_at TEXT NOT NULL,
  failed_at TEXT,
  last_error TEXT,
  UNIQUE (event_id, channel, target)
);
CREATE INDEX alert_outbox_due ON alert_outbox (delivered_at, failed_at, next_attempt_at);
)sql";

// Sensible rules out of the box (docs/alerts.md): no channels (an admin adds them), so they fire
// into /v1/alerts/events only until then.
constexpr const char* kV9DefaultRules = R"sql(
INSERT INTO alert_rules (id, name, metric, feature, window_minutes, comparator, threshold, min_sample,
  cooldown_minutes, emails_json, webhook_url, webhook_secret, enabled, created_at, updated_at) VALUES ('default-confidence-mean', 'mean face confidence dropped', 'confidence_mean', NULL,
  60, '<', 0.6, 50, 60, '[]', NULL, NULL, 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO alert_rules (id, name, metric, feature, window_minutes, comparator, threshold, min_sample,
  cooldown_minutes, emails_json, webhook_url, webhook_secret, enabled, created_at, updated_at) VALUES ('default-no-face-share', 'many requests find no face', 'no_face_share', NULL,
  60, '>', 0.5, 50, 60, '[]', NULL, NULL, 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO alert_rules (id, name, metric, feature, window_minutes, comparator, threshold, min_sample,
  cooldown_minutes, emails_json, webhook_url, webhook_secret, enabled, created_at, updated_at) VALUES ('default-error-share', 'many requests fail', 'error_share', NULL,
  60, '>', 0.2, 50, 60, '[]', NULL, NULL, 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO alert_rules (id, name, metric, feature, window_minutes, comparator, threshold, min_sample,
  cooldown_minutes, emails_json, webhook_url, webhook_secret, enabled, created_at, updated_at) VALUES ('default-latency-p95', 'slow detections (p95)', 'latency_p95', NULL,
  60, '>', 2000, 50, 60, '[]', NULL, NULL, 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO alert_rules (id, name, metric, feature, window_minutes, comparator, threshold, min_sample,
  cooldown_minutes, emails_json, webhook_url, webhook_secret, enabled, created_at, updated_at) VALUES ('default-brightness-drift', 'input brightness drifted', 'drift_verdict',
  'image.brightness', 1440, '>=', 2, 100, 360, '[]', NULL, NULL, 1, '2026-01-01T00:00:00.000Z',
  '2026-01-01T00:00:00.000Z');
)sql";

// Deleted accounts' ids (src/retention): documents of an account that reach the search index after
// its deletion, shipped late from another process's spool, are removed by the purge while the
// tombstone lasts (retention.tombstone_days). Self-contained: only this table and its index.
constexpr const char* kV10DeletedUsers = R"sql(
CREATE TABLE deleted_users (
  user_id TEXT PRIMARY KEY,
  deleted_at TEXT NOT NULL
);
CREATE INDEX deleted_users_deleted_at ON deleted_users (deleted_at);
)sql";

// Daily rollups (insights/day_rows.hpp, docs/insights.md "At scale"): drift and the summary read
// whole days from these, the edge hours from the hourly tables. Backfilled here, in SQL, from what
// is already stored (the hourly bins; the records for the users), so an upgrade needs no rebuild.
// rollup_user_days holds user ids: its user_id index serves the purge on account deletion.
constexpr const char* kV11DailyRollups = R"sql(
CREATE TABLE rollup_bin_days (
  feature TEXT NOT NULL,
  day TEXT NOT NULL,
  model_name TEXT NOT NULL,
  model_version TEXT NOT NULL,
  bin INTEGER NOT NULL,
  count INTEGER NOT NULL,
  sum_x REAL NOT NULL,
  sum_x2 REAL NOT NULL,
  PRIMARY KEY (feature, day, model_name, model_version, bin)
);
CREATE TABLE rollup_user_days (
  day TEXT NOT NULL,
  user_id TEXT NOT NULL,
  requests INTEGER NOT NULL,
  PRIMARY KEY (day, user_id)
);
CREATE INDEX rollup_user_days_user_id ON rollup_user_days (user_id);
INSERT INTO rollup_bin_days (feature, day, model_name, model_version, bin, count, sum_x, sum_x2)
  SELECT feature, substr(hour, 1, 10) || 'T00:00:00.000Z', model_name, model_version, bin, SUM(count), SUM(sum_x),
         SUM(sum_x2)
  FROM rollup_bins GROUP BY 1, 2, 3, 4, 5;
INSERT INTO rollup_user_days (day, user_id, requests)
  SELECT substr(received_at, 1, 10) || 'T00:00:00.000Z', user_id, COUNT(*)
  FROM requests WHERE received_at IS NOT NULL AND user_id IS NOT NULL AND user_id <> '' GROUP BY 1, 2;
)sql";

// Per-user preferences (accounts/preferences.hpp): NULL = the configured default. Booleans are 0 / 1
// integers, as everywhere (db/typed_row.hpp). rating_emails: one row per user and rating period,
// inserted with the e-mail, so that each period is mailed once even with two processes.
constexpr const char* kV12Preferences = R"sql(
CREATE TABLE user_preferences (
  user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  rating_email INTEGER CHECK (rating_email IN (0, 1)),
  training_use INTEGER CHECK (training_use IN (0, 1)),
  updated_at TEXT NOT NULL
);
CREATE TABLE rating_emails (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  period_start TEXT NOT NULL,
  sent_at TEXT NOT NULL,
  PRIMARY KEY (user_id, period_start)
);
)sql";

// Dataset exports (src/datasets, docs/datasets.md): one row per export job, and which requests
// (and whose) each one contains, so that account deletion can say which exports held the user's
// images. params_json: the selection and format as asked; counts_json: per strategy and in total.
constexpr const char* kV15Exports = R"sql(
CREATE TABLE exports (
  id TEXT PRIMARY KEY,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  params_json TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
  location TEXT NOT NULL,
  counts_json TEXT NOT NULL,
  error TEXT
);
CREATE INDEX exports_created_at ON exports (created_at);
CREATE TABLE export_items (
  export_id TEXT NOT NULL REFERENCES exports(id) ON DELETE CASCADE,
  request_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  PRIMARY KEY (export_id, request_id)
);
CREATE INDEX export_items_user_id ON export_items (user_id);
)sql";

/// The schema is written in SQLite's type names; PostgreSQL has no BLOB, and its REAL is 4 bytes.
std::string ForDialect(std::string sql, Dialect dialect) {
  if (dialect == Dialect::kSqlite) return sql;
  const std::pair<std::string, std::string> words[] = {{" BLOB", " BYTEA"}, {" REAL", " DOUBLE PRECISION"}};
  for (const auto& [from, to] : words) {
    for (std::size_t at = sql.find(from); at != std::string::npos; at = sql.find(from, at + to.size())) {
      const char next = at + from.size() < sql.size() ? sql[at + from.size()] : '\n';
      if (std::isalnum(static_cast<unsigned char>(next)) != 0 || next == '_') continue;  // a longer word
      sql.replace(at, from.size(), to);
    }
  }
  return sql;
}

// Sessions listed and revoked by their owner (GET/DELETE /v1/sessions): when each was last used,
// written at most once a minute (accounts::kLastUsedResolution), as for API keys.
constexpr const char* kV13SessionLastUsed = R"sql(
ALTER TABLE sessions ADD COLUMN last_used_at TEXT;
)sql";

}  // namespace

std::vector<Migration> FaceloopMigrations(Dialect dialect) {
  return {
      Migration{1, "initial schema", ForDialect(std::string(kV1Accounts) + kV1Analytics, dialect)},
      Migration{2, "request outcome", ForDialect(kV2RequestOutcome, dialect)},
      Migration{3, "typed request record columns",
                dialect == Dialect::kSqlite ? kV3RecordColumnsSqlite : kV3RecordColumnsPostgres},
      Migration{4, "feedback", ForDialect(kV4Feedback, dialect)},
      Migration{5, "hourly rollups", ForDialect(kV5Rollups, dialect)},
      Migration{6, "session key", ForDialect(kV6SessionKey, dialect)},
      Migration{7, "request sample keys and covering indexes", ForDialect(kV7Sampling, dialect)},
      Migration{8, "reports", ForDialect(kV8Reports, dialect)},
      Migration{9, "scheduler and alerts", ForDialect(std::string(kV9SchedulerAlerts) + kV9DefaultRules, dialect)},
      Migration{10, "deleted users", ForDialect(kV10DeletedUsers, dialect)},
      Migration{11, "daily rollups", ForDialect(kV11DailyRollups, dialect)},
      Migration{12, "user preferences and rating e-mails", ForDialect(kV12Preferences, dialect)},
      Migration{13, "session last use", ForDialect(kV13SessionLastUsed, dialect)},
      Migration{14, "imported labels", ForDialect(kV14Labels, dialect)},
      Migration{15, "dataset exports", ForDialect(kV15Exports, dialect)},
  };
}

}  // namespace faceloop::db
