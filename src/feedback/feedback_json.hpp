#pragma once
// The JSON form of a feedback: the API's answer, the spool's record and the search document.
// Absent optional fields are left out; null is read as absent.
#include <string>

#include <nlohmann/json.hpp>

#include "feedback/feedback.hpp"

namespace faceloop::feedback {

void to_json(nlohmann::json& json, const Box& box);
/// Throws Error(kBadRequest) unless `json` is {"x", "y", "width", "height"} numbers.
void from_json(const nlohmann::json& json, Box& box);

nlohmann::json ToJson(const Feedback& feedback);
/// Throws Error(kBadRequest) naming the field when one is missing or of the wrong type.
Feedback FromJson(const nlohmann::json& json);

/// The `properties` of the feedback index mapping.
nlohmann::json SearchProperties();
/// The markdown table of docs/records.md's "Feedback" section.
std::string FieldsMarkdown();

}  // namespace faceloop::feedback
