#pragma once
// What the spool carries: one JSON object per record, {"kind": "request", "request": {...}} or
// {"kind": "event", "event": {...}}. The request document is the typed request record
// (src/requests/record.hpp) in its JSON form; every backend (database, search index, object store)
// reads its part from the same record.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "events/event.hpp"
#include "requests/record.hpp"

namespace faceloop::events {

using requests::RequestRecord;
using Record = std::variant<RequestRecord, Event>;

std::string ToSpoolRecord(const RequestRecord& request);
std::string ToSpoolRecord(const Event& event);
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
