#pragma once
// Structured logs: one line per event with time, level, component, the current request id and
// key=value fields; as text for people or as JSON lines for shipping (e.g. to OpenSearch).
// Secrets never go into fields: log ids and hashes' prefixes, not keys or tokens.
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace faceloop::telemetry {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class LogFormat { kText, kJson };

struct LogSettings {
  LogLevel level = LogLevel::kInfo;
  LogFormat format = LogFormat::kText;
};

/// "debug" | "info" | "warn" | "error"; throws Error(kBadRequest) for anything else.
LogLevel ParseLogLevel(std::string_view name);
/// "text" | "json"; throws Error(kBadRequest) for anything else.
LogFormat ParseLogFormat(std::string_view name);

using LogSink = std::function<void(std::string_view line)>;
/// Process-wide settings, applied once at start-up before threads start (and by tests). The sink
/// receives whole lines without the newline; by default they go to stderr.
void ConfigureLogging(LogSettings settings, LogSink sink = {});

using LogFields = std::vector<std::pair<std::string, nlohmann::json>>;

/// A component's logger: cheap to copy, holds only its name.
class Logger {
 public:
  explicit Logger(std::string component) : component_(std::move(component)) {}

  void Debug(std::string_view message, const LogFields& fields = {}) const;
  void Info(std::string_view message, const LogFields& fields = {}) const;
  void Warn(std::string_view message, const LogFields& fields = {}) const;
  void Error(std::string_view message, const LogFields& fields = {}) const;
  void Log(LogLevel level, std::string_view message, const LogFields& fields) const;

 private:
  std::string component_;
};

/// Sets the request id that this thread's log lines carry, until destroyed (restores the old one).
class ScopedRequestId {
 public:
  explicit ScopedRequestId(std::string id);
  ~ScopedRequestId();
  ScopedRequestId(const ScopedRequestId&) = delete;
  ScopedRequestId& operator=(const ScopedRequestId&) = delete;

 private:
  std::string previous_;
};

/// The request id of this thread's current work, or "".
const std::string& CurrentRequestId();

}  // namespace faceloop::telemetry
