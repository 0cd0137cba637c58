#pragma once
// Forms of the record's field list for the other places that describe it: the search index's
// mapping and the field table of docs/records.md.
#include <string>

#include <nlohmann/json.hpp>

namespace faceloop::requests {

/// The `properties` of the requests index mapping (every field; `image` a closed object).
nlohmann::json SearchProperties();
/// The markdown table of docs/records.md's "Request record" section (fields, types, meaning).
std::string FieldsMarkdown();

}  // namespace faceloop::requests
