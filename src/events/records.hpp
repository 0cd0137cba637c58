#pragma once
// What the spool carries: one JSON object per record, {"kind": "request", "request": {...}},
// {"kind": "event", "event": {...}} or {"kind": "feedback", "op": "put" | "delete", "feedback": {...}}. The request
// document is the typed request record (src/requests/record.hpp) in its JSON form; every backend (database, search
// index, object store) reads its part from the same record.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "events/event.hpp"
#include "feedback/feedback.hpp"
#include "requests/record.hpp"

namespace faceloop::events {

using requests::RequestRecord;
/// A feedback given or replaced (kPut) or withdrawn (kDelete), for the search index. The database
/// already has it: the feedback routes write it before they answer.
struct FeedbackChange {
  enum class Op { kPut, kDelete };
  Op op = Op::kPut;
  feedback::Feedback feedback;  ///< for kDelete, the feedback as it was
};

using Record = std::variant<RequestRecord, Event, FeedbackChange>;

std::string ToSpoolRecord(const RequestRecord& request);
std::string ToSpoolRecord(const Event& event);
std::string ToSpoolRecord(const FeedbackChange& change);
/// Throws Error(kBadRequest) for a record this version cannot read.
Record ParseSpoolRecord(std::string_view record);

/// A shipping batch, parsed: the readable records in order, and why each other one was refused.
struct ParsedBatch {
  std::vector<Record> records;
  std::vector<std::string> refused;  ///< one message per unreadable record
};
ParsedBatch ParseSpoolBatch(const std::vector<std::string>& records);

/// The `detect` user event every request record also yields (same id as the request).
Event DetectEvent(const RequestRecord& request);

}  // namespace faceloop::events
