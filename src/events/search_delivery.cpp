#include "events/search_delivery.hpp"

#include "events/database_sink.hpp"
#include "events/records.hpp"
#include "feedback/feedback_json.hpp"
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

/// One document per request and user (a replacement overwrites it), in the daily index of the
/// request's day. A withdrawn feedback becomes a tombstone under the same _id: the bulk API's
/// `delete` answers 404 for a document that was never indexed, and a tombstone keeps delivery a
/// plain idempotent `index`. Tombstones carry no verdict and no comment.
search::Document FeedbackDocument(const FeedbackChange& change) {
  const feedback::Feedback& f = change.feedback;
  nlohmann::json body = change.op == FeedbackChange::Op::kPut
                            ? feedback::ToJson(f)
                            : nlohmann::json{{"request_id", f.request_id},
                                             {"user_id", f.user_id},
                                             {"request_user_id", f.request_user_id},
                                             {"request_received_at", FormatTimestamp(f.request_received_at)}};
  body["deleted"] = change.op == FeedbackChange::Op::kDelete;
  return search::Document{"feedback", f.request_id + ":" + f.user_id, f.request_received_at, std::move(body)};
}

}  // namespace

std::size_t DeliverToSearch(search::ISearchSink& sink, const std::vector<std::string>& records) {
  const ParsedBatch batch = ParseSpoolBatch(records);
  for (const std::string& why : batch.refused) {
    telemetry::Logger("shipper").Error("dropping unreadable spool record", {{"backend", "search"}, {"error", why}});
  }
  const std::size_t unreadable = batch.refused.size();
  std::vector<search::Document> documents;
  std::vector<std::string> deleted_users;
  for (const Record& record : batch.records) {
    if (const auto* request = std::get_if<RequestRecord>(&record)) {
      documents.push_back(
          search::Document{"requests", request->request_id, request->received_at, requests::ToJson(*request)});
      documents.push_back(EventDocument(DetectEvent(*request)));
    } else if (const auto* change = std::get_if<FeedbackChange>(&record)) {
      documents.push_back(FeedbackDocument(*change));
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
