#pragma once
// User events (sign-ups, logins, key changes, account deletions) on their way to the backends,
// through the same spool as the request records.
#include <chrono>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "events/event.hpp"
#include "events/pipeline.hpp"
#include "telemetry/metrics.hpp"

namespace faceloop::events {

class EventLog {
 public:
  /// `new_id` makes an event's id from its time (time-ordered ids).
  using IdGenerator = std::function<std::string(std::chrono::system_clock::time_point)>;

  EventLog(Pipeline& pipeline, IdGenerator new_id, telemetry::MetricsRegistry& registry);

  /// Spools a user event; `data` must not hold personal data. Never throws: it is called after the
  /// action it records was committed, and failing the response then (a full spool) would hide a done
  /// action from the client (a sign-up's only copy of its key). Such an event is counted and logged.
  void Log(EventType type, const std::string& user_id, const nlohmann::json& data = nlohmann::json::object());

 private:
  Pipeline& pipeline_;
  IdGenerator new_id_;
  telemetry::Counter& dropped_;
};

}  // namespace faceloop::events
