#pragma once
// The generic half of "one field list": a record type declares its fields once, in a
// `ForEachField(record, visit)` found by ADL next to the type, calling
// `visit(const FieldSpec<Search>&, member&)` per field in order. What is derived from that list
// the same way for every record (the docs table here; JSON in field_json.hpp; database rows in
// db/typed_row.hpp) lives once, here and there; each record keeps only what is its own (its search
// types, its required fields, its special encodings).
#include <string>
#include <string_view>

namespace faceloop::fields {

/// One field of a record's field list. `Search` is the record's own search-index type enum.
template <typename Search>
struct FieldSpec {
  std::string_view name;    ///< JSON, spool and search-index name
  std::string_view column;  ///< database column of the record's table
  Search search;
  std::string_view doc;  ///< one line for docs/records.md
};

/// The "| field | type | database column | meaning |" table of docs/records.md for a record;
/// `type_name(search)` names each field's search type.
template <typename Record, typename TypeName>
std::string FieldsMarkdown(const Record& shape, TypeName&& type_name) {
  std::string table = "| field | type | database column | meaning |\n|---|---|---|---|\n";
  ForEachField(shape, [&table, &type_name](const auto& field, const auto&) {
    table += "| `" + std::string(field.name) + "` | " + std::string(type_name(field.search)) + " | `" +
             std::string(field.column) + "` | " + std::string(field.doc) + " |\n";
  });
  return table;
}

}  // namespace faceloop::fields
