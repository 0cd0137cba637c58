#pragma once
// Imported ground truth (docs/datasets.md "Importing labels"): what annotators said is in a
// request's stored image, linked to the request by its id. One Label per (request, source,
// annotator, version), its boxes as one JSON list: the production benchmark reads one image's
// truth from one row, and re-importing the same content is one ON CONFLICT DO NOTHING on the
// content hash (the version), so importing a file twice changes nothing.
//
// One field list per stored type (Label, LabelImport): the columns, the rows and the API's JSON
// are derived from it (db/typed_row.hpp, common/field_json.hpp).
#include <chrono>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/field_list.hpp"

namespace faceloop::labels {

using Time = std::chrono::system_clock::time_point;

/// Where labels come from: a Label Studio JSON export, or a COCO instances file.
enum class Source { kLabelStudio, kCoco };
std::string_view ToString(Source source);
/// "labelstudio" or "coco"; Error(kUnprocessable) naming `field` otherwise.
Source ParseSource(std::string_view text, std::string_view field);

/// One labelled box in the image's original pixels. `ignore`: a region where detections count
/// as neither right nor wrong (a crowd, a poster), as WIDER's ignore boxes.
struct LabelBox {
  double x = 0, y = 0, width = 0, height = 0;
  bool ignore = false;
};

/// The stored types' search enum is unused (labels are not indexed); kept for FieldSpec.
enum class SearchType { kNone };
using FieldSpec = fields::FieldSpec<SearchType>;

/// `R` is `T` or `const T`: selects the field list of one type.
template <typename R, typename T>
concept RecordOf = std::is_same_v<std::remove_const_t<R>, T>;

struct Label {
  std::string request_id;
  Source source = Source::kLabelStudio;
  std::string annotator;  ///< Label Studio: the annotator's e-mail (or "labelstudio:<id>"); COCO: the importer
  std::string version;    ///< sha256 of the boxes' canonical JSON (ContentVersion)
  std::vector<LabelBox> boxes;
  std::optional<Time> labelled_at;  ///< the annotation's updated_at, when the file says
  std::string import_id;            ///< the import that first stored this content
  Time imported_at;
};

template <RecordOf<Label> Record, typename Visit>
void ForEachField(Record& r, Visit&& visit) {
  constexpr SearchType S = SearchType::kNone;
  visit(FieldSpec{"request_id", "request_id", S, "the labelled request"}, r.request_id);
  visit(FieldSpec{"source", "source", S, "`labelstudio` or `coco`"}, r.source);
  visit(FieldSpec{"annotator", "annotator", S, "who labelled it"}, r.annotator);
  visit(FieldSpec{"version", "version", S, "sha256 of the boxes: the same content is stored once"}, r.version);
  visit(FieldSpec{"boxes", "boxes_json", S, "[{x, y, width, height, ignore}] in original pixels"}, r.boxes);
  visit(FieldSpec{"labelled_at", "labelled_at", S, "the annotation's updated_at"}, r.labelled_at);
  visit(FieldSpec{"import_id", "import_id", S, "the import that stored it"}, r.import_id);
  visit(FieldSpec{"imported_at", "imported_at", S, "when"}, r.imported_at);
}

/// One import that stored at least one new label (an import that changes nothing leaves no row).
struct LabelImport {
  std::string id;
  std::string created_by;  ///< the user id, or "cli"
  Source source = Source::kLabelStudio;
  std::string file_sha256;
  std::int64_t tasks = 0;      ///< tasks (Label Studio) or images (COCO) read
  std::int64_t stored = 0;     ///< new labels
  std::int64_t unchanged = 0;  ///< labels already stored with the same content
  std::int64_t unknown = 0;    ///< tasks whose request is unknown (or not the caller's)
  std::int64_t conflicts = 0;  ///< labels that disagree with another label of the same request
  Time created_at;
};

template <RecordOf<LabelImport> Record, typename Visit>
void ForEachField(Record& r, Visit&& visit) {
  constexpr SearchType S = SearchType::kNone;
  visit(FieldSpec{"id", "id", S, "the import's id"}, r.id);
  visit(FieldSpec{"created_by", "created_by", S, "who imported"}, r.created_by);
  visit(FieldSpec{"source", "source", S, "`labelstudio` or `coco`"}, r.source);
  visit(FieldSpec{"file_sha256", "file_sha256", S, "sha256 of the imported file"}, r.file_sha256);
  visit(FieldSpec{"tasks", "tasks", S, "tasks or images read"}, r.tasks);
  visit(FieldSpec{"stored", "stored", S, "new labels"}, r.stored);
  visit(FieldSpec{"unchanged", "unchanged", S, "labels stored before with the same content"}, r.unchanged);
  visit(FieldSpec{"unknown", "unknown", S, "tasks whose request is unknown"}, r.unknown);
  visit(FieldSpec{"conflicts", "conflicts", S, "labels disagreeing with another of their request"}, r.conflicts);
  visit(FieldSpec{"created_at", "created_at", S, "when"}, r.created_at);
}

/// The sha256 (lower-case hex) of the boxes' canonical JSON: equal boxes, equal version.
std::string ContentVersion(const std::vector<LabelBox>& boxes);
/// Lower-case hex sha256 of bytes.
std::string Sha256Hex(std::string_view bytes);
/// The same of everything `in` still holds, read in blocks (a label file is not held whole).
std::string Sha256HexOf(std::istream& in);

}  // namespace faceloop::labels
