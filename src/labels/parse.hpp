#pragma once
// The two label formats read back (docs/datasets.md "Importing labels"): a Label Studio JSON
// export and a COCO instances file, both as dsexport writes them and as their tools save them.
// Each streams (json_stream.hpp) and yields one ParsedTask per labelled image and annotator, in
// the file's units; the importer (import.hpp) checks them against the request records.
//
// Malformed JSON throws Error(kBadRequest) naming the line (the whole import fails); a task that
// is well-formed JSON but not a usable label (a rotated box, a NaN, an unknown class) is reported
// as a TaskProblem and the reading goes on, so one import lists every such task.
#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "labels/label.hpp"

namespace faceloop::labels {

/// Where a task is in the file, for reports: its 0-based index (a Label Studio task, a COCO
/// image) and the line it starts on.
struct TaskPosition {
  std::int64_t index = 0;
  std::int64_t line = 0;
};

struct ParsedTask {
  TaskPosition at;
  std::string request_id;
  std::string annotator;  ///< empty for COCO (the importer is the annotator)
  std::optional<Time> labelled_at;
  bool percent = false;  ///< Label Studio: boxes in percent of the image; COCO: pixels
  /// The image size the file states (Label Studio's original_width/height, COCO's width/height).
  std::optional<double> width, height;
  std::vector<LabelBox> boxes;
};

struct TaskProblem {
  TaskPosition at;
  std::string request_id;  ///< empty when the task has none
  std::string message;     ///< names the field, e.g. "annotations[0].result[1].value.x must be a finite number"
};

using TaskSink = std::function<void(ParsedTask&&)>;
using ProblemSink = std::function<void(TaskProblem&&)>;

/// Reads a Label Studio JSON export (a list of tasks with `annotations`; cancelled annotations and
/// tasks without any are skipped). Returns the number of tasks read.
std::int64_t ParseLabelStudio(std::istream& in, const TaskSink& task, const ProblemSink& problem);
/// Reads a COCO instances file (`images`, `annotations`, `categories` "face" and optionally
/// "ignore"; `ignore`/`iscrowd` mark ignore regions). Returns the number of images read.
std::int64_t ParseCoco(std::istream& in, const TaskSink& task, const ProblemSink& problem);

/// The request id of an image file name as dsexport writes it: "images/<request_id>.<ext>" -> id.
std::string RequestIdOfFile(const std::string& file_name);

}  // namespace faceloop::labels
