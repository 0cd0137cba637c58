#pragma once
// The `labels` and `label_imports` tables (migration 14). Nothing else runs SQL on them. Columns
// come from the field lists of Label and LabelImport (label.hpp).
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "labels/label.hpp"

namespace faceloop::labels {

/// What Commit did.
struct CommitResult {
  std::int64_t stored = 0;     ///< new labels
  std::int64_t unchanged = 0;  ///< already stored with the same content
};

class LabelStore {
 public:
  explicit LabelStore(db::IDatabase& database) : database_(database) {}

  /// Stores `labels` (their import_id and imported_at set to `import`'s) and, when at least one is
  /// new, the `import` row with `stored` and `unchanged` filled in: ONE transaction, so a failure
  /// stores nothing, and a file imported again changes nothing (no new label, no import row).
  CommitResult Commit(LabelImport import, std::vector<Label> labels);
  /// Every stored label of `request_id` (any source, annotator, version), oldest first.
  std::vector<Label> ForRequest(const std::string& request_id);
  /// The label the benchmark uses for each labelled request: the newest (labelled_at, then
  /// imported_at) of its labels. Ordered by request id. (Labels are a few boxes each; the
  /// requests' own filters are applied by the caller through RequestStore, which owns that table.)
  std::vector<Label> Current();
  /// Deletes the labels of `user_id`'s requests (account deletion, before the requests go);
  /// returns how many.
  std::int64_t PurgeRequestsOf(const std::string& user_id);
  /// The imports, newest first.
  std::vector<LabelImport> Imports(int limit);

 private:
  db::IDatabase& database_;
};

}  // namespace faceloop::labels
