#include "search/index_templates.hpp"

namespace faceloop::search {
namespace {

using nlohmann::json;

json Type(std::string_view type) { return {{"type", type}}; }

// Unbounded strings (user agents) would make huge keyword terms; longer values stay in _source only.
json Keyword(int ignore_above) { return {{"type", "keyword"}, {"ignore_above", ignore_above}}; }

// An object whose listed fields are indexed and whose other fields are kept but not indexed.
json ClosedObject(json properties) {
  return {{"type", "object"}, {"dynamic", false}, {"properties", std::move(properties)}};
}

json ImageProperties() {
  json properties = {
      {"width", Type("integer")},
      {"height", Type("integer")},
      {"format", Type("keyword")},
      {"bytes", Type("long")},
      {"channels", Type("integer")},
      {"has_alpha", Type("boolean")},
      {"exif_orientation", Type("integer")},
  };
  for (const char* name :
       {"brightness", "contrast", "sharpness", "saturation", "colorfulness", "dark_fraction", "bright_fraction"}) {
    properties[name] = Type("float");
  }
  return properties;
}

json RequestsProperties() {
  json properties = {
      {"request_id", Type("keyword")},
      {"received_at", Type("date")},
      {"user_id", Type("keyword")},
      {"key_id", Type("keyword")},
      {"client_ip", Type("ip")},
      {"user_agent", Keyword(512)},
      {"status", Type("integer")},
      {"model_name", Type("keyword")},
      {"model_version", Type("keyword")},
      {"min_confidence", Type("float")},
      {"tiling", Type("boolean")},
      {"face_count", Type("integer")},
      {"image_key", Type("keyword")},
      {"image_bytes", Type("long")},
      {"error_type", Type("keyword")},
      {"image", ClosedObject(ImageProperties())},
      // Boxes and landmarks: kept for export and display, but indexing every coordinate of every
      // face would cost far more than any query on them is worth.
      {"faces", {{"type", "object"}, {"enabled", false}}},
  };
  for (const char* name :
       {"confidence_min", "confidence_mean", "confidence_max", "decode_ms", "inference_ms", "total_ms"}) {
    properties[name] = Type("float");
  }
  return properties;
}

json EventsProperties() {
  return {
      {"event_id", Type("keyword")},
      {"type", Type("keyword")},
      {"user_id", Type("keyword")},
      {"occurred_at", Type("date")},
      // Event payloads differ per type; only the fields analysts join on are indexed.
      {"data", ClosedObject({{"request_id", Type("keyword")}, {"faces", Type("integer")}})},
  };
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

nlohmann::json RequestsMappings() { return Mappings(RequestsProperties()); }
nlohmann::json EventsMappings() { return Mappings(EventsProperties()); }

std::vector<IndexTemplate> IndexTemplates(const TemplateOptions& options) {
  return {MakeTemplate(options, kRequestsFamily, RequestsMappings()),
          MakeTemplate(options, kEventsFamily, EventsMappings())};
}

}  // namespace faceloop::search
