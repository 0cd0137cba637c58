#include "events/event_log.hpp"

#include "common/error.hpp"
#include "events/records.hpp"
#include "telemetry/log.hpp"

namespace faceloop::events {

EventLog::EventLog(Pipeline& pipeline, IdGenerator new_id, telemetry::MetricsRegistry& registry)
    : pipeline_(pipeline),
      new_id_(std::move(new_id)),
      dropped_(
          registry.AddCounter("faceloop_events_dropped_total", "User events given up because the spool was full.")) {}

void EventLog::Log(EventType type, const std::string& user_id, const nlohmann::json& data) {
  Event event;
  event.occurred_at = std::chrono::system_clock::now();
  event.id = new_id_(event.occurred_at);
  event.type = type;
  event.user_id = user_id;
  event.data = data;
  try {
    pipeline_.Append(ToSpoolRecord(event));
  } catch (const Error& error) {
    telemetry::Logger("events").Error("user event not recorded",
                                      {{"type", std::string(ToString(type))}, {"error", error.what()}});
    dropped_.Add();
  }
}

}  // namespace faceloop::events
