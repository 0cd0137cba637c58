// Migration 14: imported labels (src/labels, docs/datasets.md "Importing labels"). In a file of
// its own so that the parallel migrations 12 and 13 do not touch the same lines.
//
// One row per (request, source, annotator, version), the boxes as JSON: the benchmark reads one
// image's truth from one row, and a re-import of the same content is one ON CONFLICT DO NOTHING
// on the primary key (version = sha256 of the boxes). No foreign key to requests: like feedback,
// labels are analytics rows, purged with their requests explicitly. label_imports has a row only
// for an import that stored something, so importing a file twice changes nothing.
#include "db/migration_v14_labels.hpp"

namespace faceloop::db {

const char* const kV14Labels = R"sql(
CREATE TABLE label_imports (
  id TEXT PRIMARY KEY,
  created_by TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('labelstudio', 'coco')),
  file_sha256 TEXT NOT NULL,
  tasks INTEGER NOT NULL,
  stored INTEGER NOT NULL,
  unchanged INTEGER NOT NULL,
  unknown INTEGER NOT NULL,
  conflicts INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE labels (
  request_id TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('labelstudio', 'coco')),
  annotator TEXT NOT NULL,
  version TEXT NOT NULL,
  boxes_json TEXT NOT NULL,
  labelled_at TEXT,
  import_id TEXT NOT NULL REFERENCES label_imports(id),
  imported_at TEXT NOT NULL,
  PRIMARY KEY (request_id, source, annotator, version)
);
CREATE INDEX labels_import_id ON labels (import_id);
)sql";

}  // namespace faceloop::db
