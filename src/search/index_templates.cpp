#include "search/index_templates.hpp"

#include "feedback/feedback_json.hpp"
#include "requests/schema.hpp"

namespace faceloop::search {
namespace {

using nlohmann::json;

json Type(std::string_view type) { return {{"type", type}}; }

// An object whose listed fields are indexed and whose other fields are kept but not indexed.
json ClosedObject(json properties) {
  return {{"type", "object"}, {"dynamic", false}, {"properties", std::move(properties)}};
}

json EventsProperties() {
  return {
      {"event_id", Type("keyword")},
      {"type", Type("keyword")},
      {"user_id", Type("keyword")},
      {"occurred_at", Type("date")},
      // Event payloads differ per type; only the fields analysts join on are indexed.
      {"data", ClosedObject({{"request_id", Type("keyword")},
                             {"faces", Type("integer")},
                             {"verdict", Type("keyword")},
                             {"rating", Type("integer")}})},
  };
}

// The feedback's own fields (src/feedback), and the tombstone flag of a withdrawn one.
json FeedbackProperties() {
  json properties = feedback::SearchProperties();
  properties["deleted"] = Type("boolean");
  return properties;
}

json Mappings(json properties) { return {{"dynamic", false}, {"properties", std::move(properties)}}; }

IndexTemplate MakeTemplate(const TemplateOptions& options, std::string_view family, json mappings) {
  const std::string name = options.index_prefix + "-" + std::string(family);
  json body = {
      {"index_patterns", json::array({name + "-*"})},
      {"priority", kTemplatePriority},
      {"version", kTemplateVersion},
      {"_meta", {{"managed_by", "faceloop"}}},
      {"template",
       {
           // One shard: a day of one family is small, and every shard costs heap on the node.
           {"settings", {{"number_of_shards", 1}, {"number_of_replicas", options.number_of_replicas}}},
           {"mappings", std::move(mappings)},
       }},
  };
  return {name, std::move(body)};
}

}  // namespace

nlohmann::json RequestsMappings() { return Mappings(requests::SearchProperties()); }
nlohmann::json EventsMappings() { return Mappings(EventsProperties()); }
nlohmann::json FeedbackMappings() { return Mappings(FeedbackProperties()); }

std::vector<IndexTemplate> IndexTemplates(const TemplateOptions& options) {
  return {MakeTemplate(options, kRequestsFamily, RequestsMappings()),
          MakeTemplate(options, kEventsFamily, EventsMappings()),
          MakeTemplate(options, kFeedbackFamily, FeedbackMappings())};
}

}  // namespace faceloop::search
