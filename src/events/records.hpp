#pragma once
// What the spool carries: one JSON object per record, {"kind": "request", "request": {...}} or
// {"kind": "event", "event": {...}}. The request document is the analytics record of one detect
// request, with the field names of docs/records.md; every backend (database, search index, object
// store) reads its part from the same record.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/event.hpp"

namespace faceloop::events {

/// A request document: request_id, received_at, user_id, ..., image {...}, faces [...].
struct RequestRecord {
  nlohmann::json doc;
  const std::string& id() const;
};

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

}  // namespace faceloop::events
