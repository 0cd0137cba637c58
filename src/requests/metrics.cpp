#include "requests/metrics.hpp"

#include "common/error.hpp"
#include "requests/record.hpp"

namespace faceloop::requests {
namespace {

bool IsNumeric(SearchType type) {
  return type == SearchType::kInteger || type == SearchType::kLong || type == SearchType::kFloat;
}

}  // namespace

std::string NumericColumnOf(std::string_view field) {
  static const RequestRecord shape{};  // only its field list is used
  std::string column;
  ForEachField(shape, [&](const FieldSpec& spec, const auto&) {
    if (spec.name == field && IsNumeric(spec.search)) column = spec.column;
  });
  return column;
}

namespace {

/// The JSON path of a numeric or boolean field of `image`; empty when there is none.
std::string ImageKey(std::string_view field) {
  constexpr std::string_view kPrefix = "image.";
  if (field.substr(0, kPrefix.size()) != kPrefix) return {};
  const std::string_view name = field.substr(kPrefix.size());
  for (const SubFieldSpec& spec : ImageFields()) {
    if (spec.name == name && (IsNumeric(spec.search) || spec.search == SearchType::kBoolean)) return std::string(name);
  }
  return {};
}

std::string ImageSql(const std::string& key, db::Dialect dialect) {
  // Typed by the stored JSON value: a number as itself, a boolean as 0/1, anything else NULL.
  if (dialect == db::Dialect::kSqlite) {
    const std::string path = "metadata_json, '$." + key + "'";
    return "(CASE json_type(" + path + ") WHEN 'integer' THEN CAST(json_extract(" + path +
           ") AS DOUBLE PRECISION) WHEN 'real' THEN json_extract(" + path + ") WHEN 'true' THEN 1.0 WHEN 'false' " +
           "THEN 0.0 END)";
  }
  const std::string node = "(metadata_json::jsonb -> '" + key + "')";
  return "(CASE jsonb_typeof(" + node + ") WHEN 'number' THEN (" + node +
         " #>> '{}')::double precision WHEN 'boolean' THEN CASE WHEN (" + node +
         " #>> '{}')::boolean THEN 1.0 ELSE 0.0 END END)";
}

}  // namespace

std::string NumericSql(std::string_view field, db::Dialect dialect) {
  if (const std::string column = NumericColumnOf(field); !column.empty()) {
    return "CAST(" + column + " AS DOUBLE PRECISION)";
  }
  if (const std::string key = ImageKey(field); !key.empty()) return ImageSql(key, dialect);
  throw Error(ErrorCode::kInternal, "requests: " + std::string(field) + " is not a numeric field of the record");
}

}  // namespace faceloop::requests
