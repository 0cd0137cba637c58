// The Label Studio JSON export (labelstud.io/guide/export#Label-Studio-JSON-format-of-annotated-tasks):
// a list of tasks, each {"id", "data": {...}, "annotations": [{"id", "completed_by", "result": [...],
// "was_cancelled", "updated_at", ...}], "predictions": [...]}. A rectangle result is
// {"type": "rectanglelabels", "original_width", "original_height", "value": {"x", "y", "width",
// "height" (percent), "rotation", "rectanglelabels": ["face"]}}.
#include <cmath>

#include "common/error.hpp"
#include "common/time.hpp"
#include "labels/json_stream.hpp"
#include "labels/parse.hpp"

namespace faceloop::labels {
namespace {

using nlohmann::json;

/// A task-level problem: the message names the field.
struct Invalid {
  std::string message;
};

double Number(const json& object, const char* key, const std::string& path) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number() || !std::isfinite(it->get<double>())) {
    throw Invalid{path + "." + key + " must be a finite number"};
  }
  return it->get<double>();
}

std::string RequestIdOf(const json& task) {
  const json data = task.value("data", json::object());
  if (!data.is_object()) throw Invalid{"data must be an object"};
  if (data.contains("request_id")) {
    if (!data["request_id"].is_string()) throw Invalid{"data.request_id must be a string"};
    return data["request_id"].get<std::string>();
  }
  if (data.contains("image") && data["image"].is_string()) return RequestIdOfFile(data["image"].get<std::string>());
  throw Invalid{"data.request_id (or data.image) is missing"};
}

std::string AnnotatorOf(const json& annotation) {
  const auto it = annotation.find("completed_by");
  if (it == annotation.end() || it->is_null()) return "labelstudio";
  if (it->is_number_integer()) return "labelstudio:" + std::to_string(it->get<std::int64_t>());
  if (it->is_object() && it->contains("email") && (*it)["email"].is_string()) return (*it)["email"].get<std::string>();
  if (it->is_object() && it->contains("id") && (*it)["id"].is_number_integer()) {
    return "labelstudio:" + std::to_string((*it)["id"].get<std::int64_t>());
  }
  throw Invalid{"completed_by must be a user id or an object with an email"};
}

/// One rectangle result into `task` (percent of the image).
void AddRectangle(const json& result, const std::string& path, ParsedTask& task) {
  const json value = result.value("value", json());
  if (!value.is_object()) throw Invalid{path + ".value must be an object"};
  const std::string at = path + ".value";
  if (value.contains("rotation") && Number(value, "rotation", at) != 0) throw Invalid{at + ".rotation must be 0"};
  const json names = value.value("rectanglelabels", json::array({"face"}));
  if (!names.is_array() || names.size() != 1 || !names[0].is_string() || (names[0] != "face" && names[0] != "ignore")) {
    throw Invalid{at + R"(.rectanglelabels must be ["face"] or ["ignore"])"};
  }
  task.boxes.push_back({Number(value, "x", at), Number(value, "y", at), Number(value, "width", at),
                        Number(value, "height", at), names[0] == "ignore"});
  if (result.contains("original_width")) task.width = Number(result, "original_width", path);
  if (result.contains("original_height")) task.height = Number(result, "original_height", path);
}

ParsedTask ReadAnnotation(const json& annotation, const std::string& path, const TaskPosition& at,
                          const std::string& request_id) {
  ParsedTask task{at, request_id, AnnotatorOf(annotation), std::nullopt, true, std::nullopt, std::nullopt, {}};
  if (annotation.contains("updated_at") && annotation["updated_at"].is_string()) {
    try {
      task.labelled_at = ParseTimestamp(annotation["updated_at"].get<std::string>());
    } catch (const Error&) {  // Label Studio writes microseconds; the label is no less valid without it
    }
  }
  const json results = annotation.value("result", json::array());
  if (!results.is_array()) throw Invalid{path + ".result must be an array"};
  for (std::size_t i = 0; i < results.size(); ++i) {
    const std::string at_result = path + ".result[" + std::to_string(i) + "]";
    if (!results[i].is_object()) throw Invalid{at_result + " must be an object"};
    if (results[i].value("type", "") != "rectanglelabels") continue;  // choices, text areas: not boxes
    AddRectangle(results[i], at_result, task);
  }
  return task;
}

void ReadTask(const json& task, const TaskPosition& at, const TaskSink& sink, const ProblemSink& problem) {
  std::string request_id;
  try {
    if (!task.is_object()) throw Invalid{"a task must be an object"};
    request_id = RequestIdOf(task);
    const json annotations = task.value("annotations", json::array());
    if (!annotations.is_array()) throw Invalid{"annotations must be an array"};
    std::vector<ParsedTask> read;
    for (std::size_t i = 0; i < annotations.size(); ++i) {
      const std::string path = "annotations[" + std::to_string(i) + "]";
      if (!annotations[i].is_object()) throw Invalid{path + " must be an object"};
      if (annotations[i].value("was_cancelled", false)) continue;
      read.push_back(ReadAnnotation(annotations[i], path, at, request_id));
    }
    for (ParsedTask& one : read) sink(std::move(one));
  } catch (const Invalid& invalid) {
    problem({at, request_id, invalid.message});
  } catch (const json::exception& e) {  // a wrongly typed member read by value()
    problem({at, request_id, std::string("unexpected value: ") + e.what()});
  }
}

}  // namespace

std::string RequestIdOfFile(const std::string& file_name) {
  const auto slash = file_name.find_last_of('/');
  std::string base = slash == std::string::npos ? file_name : file_name.substr(slash + 1);
  const auto dot = base.find_last_of('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

std::int64_t ParseLabelStudio(std::istream& in, const TaskSink& task, const ProblemSink& problem) {
  JsonStream stream(in);
  stream.Open('[', "a Label Studio export is a JSON array of tasks");
  std::int64_t index = 0;
  while (stream.More()) {
    const json value = stream.Value("task " + std::to_string(index));
    ReadTask(value, {index, stream.value_line()}, task, problem);
    ++index;
  }
  stream.End();
  return index;
}

}  // namespace faceloop::labels
