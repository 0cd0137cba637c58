#pragma once
// The service's configuration, read once at start-up. Precedence: flags > environment
// (FACELOOP_*, see EnvironmentVariables in config.cpp and the README) > TOML file (--config) > defaults.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "insights/thresholds.hpp"
#include "retention/policy.hpp"
#include "service/config_rating.hpp"
#include "service/config_schedules.hpp"

namespace faceloop::service {

struct Limits {
  std::size_t max_image_bytes = 20u * 1024 * 1024;  ///< the decoder's byte limit (413 above)
  int read_timeout_s = 10;                   ///< for a request's whole head, and the longest pause in a body (408)
  int request_timeout_s = 60;                ///< for a request's head and body together
  int write_timeout_s = 30;                  ///< for writing one response
  int keep_alive_timeout_s = 5;              ///< idle time allowed between requests on a connection
  int keep_alive_max_count = 1000;           ///< requests per connection
  int http_threads = 0;                      ///< handler threads (they may block on the database); 0 = 2 × cores
  int io_threads = 1;                        ///< threads that own the sockets (parse and write, never block)
  std::size_t max_header_bytes = 16 * 1024;  ///< request line + headers; 431 above
  int max_connections = 1024;                ///< open connections; more are answered 503 and closed
  int max_connections_per_ip = 128;          ///< per client address (the proxy's, behind one)
  int detect_workers = 0;                    ///< 0 = number of cores
  int detect_queue = 0;                      ///< hard bound on queued detections; 0 = 1024
  int detect_max_wait_ms = 2000;             ///< refuse (503) a detection expected to wait longer for a worker
  double signups_per_minute = 10;            ///< per client IP (token bucket, burst of the same size)
  /// Failed authentications (API key, session, log-in) allowed per minute before 429: per client
  /// address (IPv6: per /64) and per API key id; 0 = unthrottled (http/auth_throttle.hpp).
  double auth_failures_per_client_per_minute = 10;
  double auth_failures_per_key_per_minute = 5;
  std::size_t spool_max_mb = 1024;  ///< bound on records (and images) waiting to be shipped; full → 503
  bool sync_writes = true;          ///< false: no fsync (benchmarks of the durability cost only)
  int insights_max_days = 366;      ///< the longest window an insights query may cover
  /// The largest label file `faceloop import` and POST /v1/labels/import take (413 above).
  std::size_t labels_import_max_mb = 16;
};

/// Where data goes beyond the embedded defaults. Empty = the default.
struct Backends {
  std::string database_url;      ///< "" = SQLite <data_dir>/faceloop.db; postgresql://user:pass@host:port/db
  std::string object_store_url;  ///< "" = <data_dir>/objects only; s3://bucket/prefix?endpoint=...&region=...
  std::string search_url;        ///< "" = no search index; http(s)://[user:pass@]host:port (OpenSearch/ES)
  std::string search_index_prefix = "faceloop";
  std::string redis_url;  ///< "" = rate limits per process; redis://host:port[/db] = shared by every process
  std::string redis_prefix = "faceloop:rl:";  ///< key prefix: deployments sharing one Redis keep apart
};

/// Detect requests per minute for each API key (or session), by its user's role; 0 = unlimited.
struct Quotas {
  double user_per_minute = 0;  // operators choose: load tests and batch jobs run hot on one key
  double analyst_per_minute = 0;
  double admin_per_minute = 0;
};

struct Network {
  /// Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For names the client.
  std::vector<std::string> trusted_proxies;
};

/// Outgoing mail (the sign-up e-mail with the API key). No url = no mail: keys are returned in
/// the sign-up response.
struct Smtp {
  std::string url;  ///< smtp://host:port (STARTTLS per `starttls`) or smtps://host:port
  std::string from = "faceloop@localhost";
  std::string username;
  std::string password;
  std::string starttls = "try";  ///< none | try | required
  std::string ca_file;           ///< extra CA bundle (self-signed test servers)
};

/// Structured logs on stderr: `level` debug | info | warn | error, `format` text | json.
struct Logging {
  std::string level = "info";
  std::string format = "text";
};

struct Privacy {
  bool truncate_client_ip = false;  ///< keep only /24 (IPv4) or /48 (IPv6) of client addresses
  /// The client address in login_failed events: off | truncated (/24, /48) | full.
  std::string login_failed_client_ip = "truncated";
};
/// [testing]: hooks for tests and replays only, never for production (docs/insights.md#replay).
struct Testing {
  /// Honour the X-Faceloop-Received-At header of POST /v1/detect as the record's time. Any client
  /// could then date its requests: off by default, and the header is refused while it is off.
  bool allow_client_time = false;
};

/// [reports] (docs/reports.md): the periods' time zone and who gets the e-mail.
struct Reports {
  std::string time_zone = "UTC";        ///< IANA name ("Europe/Berlin"); days, weeks and months are local
  std::vector<std::string> recipients;  ///< analysts' addresses; none = reports are stored, not mailed
  std::string base_url;                 ///< the API's public URL, for links in the e-mail ("" = relative)
  int grace_minutes = 30;               ///< a period's report is built this long after it ends
};

struct Config {
  std::string data_dir = "./data";
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string models_dir;     ///< empty: the set-up location
  std::string web_dir;        ///< the built web application; empty: the set-up location (web/dist)
  std::string pepper_file;    ///< empty: <data_dir>/pepper
  std::string default_model;  ///< empty: DetectorRegistry::DefaultName()
  Limits limits;
  Backends backends;
  Smtp smtp;
  Privacy privacy;
  Logging log;
  Quotas quotas;
  Network network;
  insights::DriftThresholds insights;  ///< [insights]: the drift verdict's thresholds
  Testing testing;
  Reports reports;
  SchedulerConfig scheduler;    ///< [scheduler] (config_schedules.hpp)
  AlertsConfig alerts;          ///< [alerts]
  retention::Policy retention;  ///< [retention]: days per data class, enforced by `faceloop purge`
  RatingConfig rating;          ///< [rating]: the rating e-mail (config_rating.hpp)
  DatasetsConfig datasets;      ///< [datasets]: training_use_default
};

/// What was given on the command line; unset fields fall through to the lower layers.
struct ConfigFlags {
  std::optional<std::string> listen;
  std::optional<std::string> data_dir;
  std::optional<std::string> models_dir;
  std::optional<std::string> config_file;
};

using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
/// std::getenv, empty values treated as unset.
std::optional<std::string> ProcessEnv(const char* name);

/// The pepper file: pepper_file, else <data_dir>/pepper. Processes that share a database must share
/// the pepper too (FACELOOP_PEPPER_FILE), or each other's keys fail.
std::string PepperPath(const Config& config);

/// Splits "HOST:PORT" (port 0..65535; 0 = any free port). Throws Error(kBadRequest).
void ParseListen(std::string_view listen, std::string& host, int& port);

/// Applies a TOML document to `config`. Keys: listen, data_dir, models_dir, web_dir, pepper_file, model and
/// tables [limits], [backends], [smtp], [privacy], [log], [quotas], [network], [insights], [testing], [reports],
/// [scheduler], [alerts], [retention], [rating], [datasets] with
/// the fields of those structs. Unknown keys and wrong types throw Error(kBadRequest) naming them; `source` names the
/// file in messages.
void ApplyToml(Config& config, std::string_view toml, std::string_view source);

/// Applies the FACELOOP_* environment variables.
void ApplyEnvironment(Config& config, const EnvLookup& env);

/// Defaults, then the TOML file named by flags.config_file, then the environment, then the flags.
Config ResolveConfig(const ConfigFlags& flags, const EnvLookup& env = ProcessEnv);

}  // namespace faceloop::service
