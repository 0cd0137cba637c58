#include "telemetry/log.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>

#include "common/error.hpp"
#include "common/time.hpp"

namespace faceloop::telemetry {
namespace {

struct State {
  std::mutex mutex;
  LogSettings settings;
  LogSink sink;
};

State& GlobalState() {
  static State state;
  return state;
}

thread_local std::string t_request_id;

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

/// A field value as text: strings bare when they need no quoting, everything else as JSON.
std::string TextValue(const nlohmann::json& value) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    const bool plain = !text.empty() && text.find_first_of(" \"=\n\t") == std::string::npos;
    return plain ? text : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string FormatText(std::string_view time, LogLevel level, std::string_view component, std::string_view message,
                       const LogFields& fields) {
  std::string line;
  line.append(time).append(" ").append(LevelName(level)).append(" [").append(component).append("] ");
  line.append(message);
  if (!t_request_id.empty()) line.append(" request_id=").append(t_request_id);
  for (const auto& [key, value] : fields) line.append(" ").append(key).append("=").append(TextValue(value));
  return line;
}

std::string FormatJson(std::string_view time, LogLevel level, std::string_view component, std::string_view message,
                       const LogFields& fields) {
  nlohmann::json line = {{"time", time}, {"level", LevelName(level)}, {"component", component}, {"message", message}};
  if (!t_request_id.empty()) line["request_id"] = t_request_id;
  for (const auto& [key, value] : fields) line[key] = value;
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

LogLevel ParseLogLevel(std::string_view name) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (name == LevelName(level)) return level;
  }
  throw Error(ErrorCode::kBadRequest, "log level must be debug, info, warn or error, not '" + std::string(name) + "'");
}

LogFormat ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  throw Error(ErrorCode::kBadRequest, "log format must be text or json, not '" + std::string(name) + "'");
}

void ConfigureLogging(LogSettings settings, LogSink sink) {
  State& state = GlobalState();
  const std::lock_guard lock(state.mutex);
  state.settings = settings;
  state.sink = std::move(sink);
}

void Logger::Debug(std::string_view message, const LogFields& fields) const { Log(LogLevel::kDebug, message, fields); }
void Logger::Info(std::string_view message, const LogFields& fields) const { Log(LogLevel::kInfo, message, fields); }
void Logger::Warn(std::string_view message, const LogFields& fields) const { Log(LogLevel::kWarn, message, fields); }
void Logger::Error(std::string_view message, const LogFields& fields) const { Log(LogLevel::kError, message, fields); }

void Logger::Log(LogLevel level, std::string_view message, const LogFields& fields) const {
  State& state = GlobalState();
  LogSettings settings;
  {
    const std::lock_guard lock(state.mutex);
    settings = state.settings;
  }
  if (level < settings.level) return;
  const std::string time = FormatTimestamp(std::chrono::system_clock::now());
  const std::string line = settings.format == LogFormat::kJson ? FormatJson(time, level, component_, message, fields)
                                                               : FormatText(time, level, component_, message, fields);
  const std::lock_guard lock(state.mutex);  // whole lines, never interleaved
  if (state.sink) {
    state.sink(line);
  } else {
    (void)std::fprintf(stderr, "%s\n", line.c_str());
  }
}

ScopedRequestId::ScopedRequestId(std::string id) : previous_(std::exchange(t_request_id, std::move(id))) {}

ScopedRequestId::~ScopedRequestId() { t_request_id = std::move(previous_); }

const std::string& CurrentRequestId() { return t_request_id; }

}  // namespace faceloop::telemetry
