#include "requests/schema.hpp"

#include <type_traits>

#include "requests/record.hpp"

namespace faceloop::requests {
namespace {

nlohmann::json Type(std::string_view type) { return {{"type", type}}; }

std::string_view TypeName(SearchType type) {
  switch (type) {
    case SearchType::kKeyword:
    case SearchType::kLongKeyword: return "keyword";
    case SearchType::kDate: return "date";
    case SearchType::kIp: return "ip";
    case SearchType::kInteger: return "integer";
    case SearchType::kLong: return "long";
    case SearchType::kFloat: return "float";
    case SearchType::kBoolean: return "boolean";
    case SearchType::kImageObject: return "object";
    case SearchType::kStoredOnly: return "object (stored, not indexed)";
  }
  return "keyword";
}

nlohmann::json ImageProperties() {
  nlohmann::json properties = nlohmann::json::object();
  for (const ImageFieldSpec& field : ImageFields()) properties[std::string(field.name)] = Type(TypeName(field.search));
  return properties;
}

nlohmann::json Mapping(SearchType type) {
  switch (type) {
    case SearchType::kLongKeyword: return {{"type", "keyword"}, {"ignore_above", 512}};
    case SearchType::kImageObject:
      // Listed fields are indexed; anything else the engine adds is kept but not indexed.
      return {{"type", "object"}, {"dynamic", false}, {"properties", ImageProperties()}};
    case SearchType::kStoredOnly: return {{"type", "object"}, {"enabled", false}};
    default: return Type(TypeName(type));
  }
}

const RequestRecord kShape{};  // only its field list is used

}  // namespace

const std::vector<ImageFieldSpec>& ImageFields() {
  using S = SearchType;
  static const std::vector<ImageFieldSpec> fields = {
      {"width", S::kInteger, "pixels, after EXIF rotation"},
      {"height", S::kInteger, "pixels, after EXIF rotation"},
      {"format", S::kKeyword, "`jpeg`, `png` or `webp`"},
      {"bytes", S::kLong, "size of the upload"},
      {"channels", S::kInteger, "colour channels as stored"},
      {"has_alpha", S::kBoolean, "whether the image has an alpha channel"},
      {"exif_orientation", S::kInteger, "EXIF orientation tag (1 = upright)"},
      {"brightness", S::kFloat, "mean luma, 0..1"},
      {"contrast", S::kFloat, "RMS contrast of luma, 0..1"},
      {"sharpness", S::kFloat, "variance of the Laplacian of 0..255 luma at a 256-px long side"},
      {"saturation", S::kFloat, "mean HSV saturation, 0..1"},
      {"colorfulness", S::kFloat, "Hasler & Suesstrunk colourfulness, on 0..255 channels"},
      {"dark_fraction", S::kFloat, "share of pixels with luma <= 5/255"},
      {"bright_fraction", S::kFloat, "share of pixels with luma >= 250/255"},
  };
  return fields;
}

nlohmann::json SearchProperties() {
  nlohmann::json properties = nlohmann::json::object();
  ForEachField(kShape, [&properties](const FieldSpec& field, const auto&) {
    properties[std::string(field.name)] = Mapping(field.search);
  });
  return properties;
}

std::string FieldsMarkdown() {
  std::string table = "| field | type | database column | meaning |\n|---|---|---|---|\n";
  ForEachField(kShape, [&table](const FieldSpec& field, const auto&) {
    table += "| `" + std::string(field.name) + "` | " + std::string(TypeName(field.search)) + " | `" +
             std::string(field.column) + "` | " + std::string(field.doc) + " |\n";
  });
  table += "\n| `image.` field | type | meaning |\n|---|---|---|\n";
  for (const ImageFieldSpec& field : ImageFields()) {
    table += "| `" + std::string(field.name) + "` | " + std::string(TypeName(field.search)) + " | " +
             std::string(field.doc) + " |\n";
  }
  return table;
}

}  // namespace faceloop::requests
