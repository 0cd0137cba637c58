#pragma once
// The composable index templates (PUT _index_template/<name>) that give faceloop's daily indices
// explicit mappings. Top-level "dynamic": false: fields not listed stay in _source but are not
// indexed, so new metadata never explodes the mapping or gets a document refused.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace faceloop::search {

/// The document families and so the index families: <prefix>-requests-*, <prefix>-events-*,
/// <prefix>-feedback-*.
inline constexpr std::string_view kRequestsFamily = "requests";
inline constexpr std::string_view kEventsFamily = "events";
inline constexpr std::string_view kFeedbackFamily = "feedback";

/// Above the priorities of the templates Elasticsearch and OpenSearch ship (100 and below), so ours
/// win for our patterns; composable templates with equal priority and overlapping patterns are refused.
inline constexpr int kTemplatePriority = 200;
/// Bumped whenever a mapping changes; stored in the template's `version`.
inline constexpr int kTemplateVersion = 4;  // 2: model_mode; 3: face fields indexed; 4: feedback

struct TemplateOptions {
  std::string index_prefix = "faceloop";
  int number_of_replicas = 0;
};

struct IndexTemplate {
  std::string name;     ///< <prefix>-<family>
  nlohmann::json body;  ///< the PUT _index_template/<name> body
};

/// Mappings of the families (the "mappings" object of each template).
nlohmann::json RequestsMappings();
nlohmann::json EventsMappings();
nlohmann::json FeedbackMappings();

/// Every template: requests, events, feedback.
std::vector<IndexTemplate> IndexTemplates(const TemplateOptions& options);

}  // namespace faceloop::search
