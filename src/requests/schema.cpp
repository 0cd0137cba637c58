#include "requests/schema.hpp"

#include "common/field_json.hpp"
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
    case SearchType::kFaceObjects: return "object array";
  }
  return "keyword";
}

/// Properties for sub-fields; "a.b" becomes a nested object a with property b.
nlohmann::json SubProperties(const std::vector<SubFieldSpec>& fields) {
  nlohmann::json properties = nlohmann::json::object();
  for (const SubFieldSpec& field : fields) {
    const std::string name(field.name);
    const std::size_t dot = name.find('.');
    if (dot == std::string::npos) {
      properties[name] = Type(TypeName(field.search));
    } else {
      properties[name.substr(0, dot)]["properties"][name.substr(dot + 1)] = Type(TypeName(field.search));
    }
  }
  return properties;
}

/// Listed fields are indexed; anything else the engine adds is kept in _source but not indexed.
nlohmann::json ClosedObject(const std::vector<SubFieldSpec>& fields) {
  return {{"type", "object"}, {"dynamic", false}, {"properties", SubProperties(fields)}};
}

nlohmann::json Mapping(SearchType type) {
  switch (type) {
    case SearchType::kLongKeyword: return {{"type", "keyword"}, {"ignore_above", 512}};
    case SearchType::kImageObject: return ClosedObject(ImageFields());
    case SearchType::kFaceObjects: return ClosedObject(FaceFields());
    default: return Type(TypeName(type));
  }
}

const RequestRecord kShape{};  // only its field list is used

}  // namespace

const std::vector<SubFieldSpec>& ImageFields() {
  using S = SearchType;
  static const std::vector<SubFieldSpec> fields = {
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

const std::vector<SubFieldSpec>& FaceFields() {
  using S = SearchType;
  static const std::vector<SubFieldSpec> fields = {
      {"confidence", S::kFloat, "the detector's score, 0..1"},
      {"size", S::kKeyword, "`tiny` (< 16 px), `small` (< 32), `medium` (< 96) or `large`, by the box height"},
      {"quality.sharpness", S::kFloat, "variance of the Laplacian on the face at 64x64, v / (v + 1000): 0..1"},
      {"quality.brightness", S::kFloat, "mean luma of the face, 0..1"},
      {"pose.roll", S::kFloat, "degrees, from the eye line; absent without landmarks"},
      {"pose.yaw", S::kFloat, "degrees, estimated from the five landmarks"},
      {"pose.pitch", S::kFloat, "degrees, estimated from the five landmarks (the roughest)"},
  };
  return fields;
}

nlohmann::json SearchProperties() { return fields::SearchProperties(kShape, Mapping); }

std::string FieldsMarkdown() {
  std::string table = fields::FieldsMarkdown(kShape, TypeName);
  for (const auto& [object, fields] : {std::pair{"image", &ImageFields()}, std::pair{"faces[]", &FaceFields()}}) {
    table += "\n| `" + std::string(object) + ".` field | type | meaning |\n|---|---|---|\n";
    for (const SubFieldSpec& field : *fields) {
      table += "| `" + std::string(field.name) + "` | " + std::string(TypeName(field.search)) + " | " +
               std::string(field.doc) + " |\n";
    }
  }
  return table;
}

}  // namespace faceloop::requests
