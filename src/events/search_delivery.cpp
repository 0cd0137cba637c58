#include "events/search_delivery.hpp"

#include "events/database_sink.hpp"
#include "events/records.hpp"
#include "requests/record_json.hpp"
#include "telemetry/log.hpp"

namespace faceloop::events {
namespace {

search::Document EventDocument(const Event& event) {
  return search::Document{"events",
                          event.id,
                          event.occurred_at,
                          {{"event_id", event.id},
                           {"type", ToString(event.type)},
                           {"user_id", event.user_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(event.user_id)},
                           {"occurred_at", FormatTimestamp(event.occurred_at)},
                           {"data", event.data}}};
}

}  // namespace

std::size_t DeliverToSearch(search::ISearchSink& sink, const std::vector<std::string>& records) {
  const ParsedBatch batch = ParseSpoolBatch(records);
  for (const std::string& why : batch.refused)
    telemetry::Logger("shipper").Error("dropping unreadable spool record", {{"backend", "search"}, {"error", why}});
  const std::size_t unreadable = batch.refused.size();
  std::vector<search::Document> documents;
  std::vector<std::string> deleted_users;
  for (const Record& record : batch.records) {
    if (const auto* request = std::get_if<RequestRecord>(&record)) {
      documents.push_back(
          search::Document{"requests", request->request_id, request->received_at, requests::ToJson(*request)});
      documents.push_back(EventDocument(DetectEvent(*request)));
    } else {
      const Event& event = std::get<Event>(record);
      documents.push_back(EventDocument(event));
      if (event.type == EventType::kAccountDeleted && !event.user_id.empty()) deleted_users.push_back(event.user_id);
    }
  }
  if (documents.empty()) return unreadable;
  const search::BulkResult result = sink.Index(documents);
  // After indexing, so the batch's own earlier requests of a deleted account go too. The events
  // stay: they are pseudonymous.
  for (const std::string& user : deleted_users) sink.DeleteUserRequests(user);
  for (const std::string& id : result.rejected_ids) {
    telemetry::Logger("shipper").Error("search index refused a document", {{"backend", "search"}, {"id", id}});
  }
  return unreadable + result.rejected_ids.size();
}

}  // namespace faceloop::events
