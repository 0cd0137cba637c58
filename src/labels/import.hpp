#pragma once
// A label file into the `labels` table: read (parse.hpp), each task checked against its request
// record, then stored in ONE transaction (LabelStore::Commit). The answer is a report naming each
// task that was not stored as it stands, by index, line and request id:
//   unknown  — no such request, or (for a caller who is not an analyst) someone else's: skipped,
//              and the two are indistinguishable, so existence is never revealed;
//   conflict — the request has another label with different boxes (in this file or stored
//              before): stored anyway, the benchmark uses the newest;
//   invalid  — not a usable label (a box outside the image, a NaN, a rotated box, ...): the import
//              is refused (ImportRejected, 422) and nothing is stored.
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "labels/label.hpp"
#include "labels/store.hpp"
#include "requests/store.hpp"

namespace faceloop::labels {

/// Who imports: labels of requests they may not read are reported as unknown.
struct Importer {
  std::string user_id;  ///< recorded as created_by ("cli" for `faceloop import`)
  bool can_read_all = false;
};

struct ReportLine {
  std::int64_t task = 0;  ///< 0-based index of the task (Label Studio) or image (COCO)
  std::int64_t line = 0;
  std::string request_id;
  std::string kind;  ///< "unknown", "conflict" or "invalid"
  std::string message;
};

struct ImportReport {
  LabelImport summary;  ///< counts; `id` is empty when nothing changed (no import row)
  bool changed = false;
  std::vector<ReportLine> lines;
};

nlohmann::json ToJson(const ImportReport& report);
nlohmann::json ToJson(const LabelImport& import);
nlohmann::json ToJson(const Label& label);

/// The import refused: every invalid task in `lines` (and the others as found so far).
class ImportRejected : public Error {
 public:
  explicit ImportRejected(ImportReport report);
  const ImportReport& report() const { return report_; }

 private:
  ImportReport report_;
};

/// A box may overhang the image by this many pixels (annotation tools round to whole percent
/// steps or pixel edges) and is clipped to it; more is invalid.
inline constexpr double kEdgeTolerancePx = 1.0;

/// Reads `in` (a `source` file whose sha256 is `file_sha256`) and stores its labels. Throws
/// Error(kBadRequest) for malformed JSON (naming the line) and ImportRejected for invalid tasks;
/// in both cases nothing is stored.
ImportReport ImportLabels(LabelStore& labels, requests::RequestStore& requests, const Importer& who, Source source,
                          std::istream& in, const std::string& file_sha256);

}  // namespace faceloop::labels
