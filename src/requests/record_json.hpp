#pragma once
// The JSON form of a request record: the spool's and the search index's document. Absent optional
// fields are left out; null is read as absent.
#include <nlohmann/json.hpp>

#include "requests/record.hpp"

namespace faceloop::requests {

nlohmann::json ToJson(const RequestRecord& record);
/// Throws Error(kBadRequest) naming the field when one is missing or of the wrong type, so a bad
/// record is refused once where it is read, not by every backend it would reach.
RequestRecord FromJson(const nlohmann::json& json);

}  // namespace faceloop::requests
