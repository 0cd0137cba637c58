// A COCO instances file: {"images": [{"id", "file_name", "width", "height", "faceloop_request_id"}],
// "annotations": [{"id", "image_id", "bbox": [x, y, w, h] (pixels), "category_id", "ignore",
// "iscrowd"}], "categories": [{"id", "name": "face"}]}. The three lists may come in any order, so
// images and annotations are kept in compact form (ids, numbers) until the end; their JSON text is
// never held whole.
#include <cmath>
#include <map>
#include <set>

#include "common/error.hpp"
#include "labels/json_stream.hpp"
#include "labels/parse.hpp"

namespace faceloop::labels {
namespace {

using nlohmann::json;

struct Invalid {
  std::string message;
};

struct CocoImage {
  TaskPosition at;
  std::string request_id;
  double width = 0, height = 0;
};

struct CocoBox {
  TaskPosition at;  ///< the annotation's own index and line
  std::int64_t image_id = 0;
  std::int64_t category_id = 0;
  LabelBox box;
};

struct CocoFile {
  std::map<std::int64_t, CocoImage> images;  ///< by COCO image id
  std::vector<CocoBox> boxes;
  std::map<std::int64_t, std::string> categories;
};

double Number(const json& object, const char* key, const std::string& path) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number() || !std::isfinite(it->get<double>())) {
    throw Invalid{path + "." + key + " must be a finite number"};
  }
  return it->get<double>();
}

std::int64_t Id(const json& object, const char* key, const std::string& path) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) throw Invalid{path + "." + key + " must be an integer"};
  return it->get<std::int64_t>();
}

CocoImage ReadImage(const json& image, const TaskPosition& at) {
  const std::string path = "images[" + std::to_string(at.index) + "]";
  if (!image.is_object()) throw Invalid{path + " must be an object"};
  CocoImage read{at, "", Number(image, "width", path), Number(image, "height", path)};
  if (image.contains("faceloop_request_id") && image["faceloop_request_id"].is_string()) {
    read.request_id = image["faceloop_request_id"].get<std::string>();
  } else if (image.contains("file_name") && image["file_name"].is_string()) {
    read.request_id = RequestIdOfFile(image["file_name"].get<std::string>());
  } else {
    throw Invalid{path + ".faceloop_request_id (or file_name) is missing"};
  }
  return read;
}

CocoBox ReadBox(const json& annotation, const TaskPosition& at) {
  const std::string path = "annotations[" + std::to_string(at.index) + "]";
  if (!annotation.is_object()) throw Invalid{path + " must be an object"};
  const json bbox = annotation.value("bbox", json());
  if (!bbox.is_array() || bbox.size() != 4) throw Invalid{path + ".bbox must be [x, y, width, height]"};
  double v[4];
  for (std::size_t i = 0; i < 4; ++i) {
    if (!bbox[i].is_number() || !std::isfinite(bbox[i].get<double>())) {
      throw Invalid{path + ".bbox[" + std::to_string(i) + "] must be a finite number"};
    }
    v[i] = bbox[i].get<double>();
  }
  const auto flag = [&annotation](const char* key) {
    const auto it = annotation.find(key);
    return it != annotation.end() && ((it->is_boolean() && it->get<bool>()) || (it->is_number() && *it != 0));
  };
  return {at,
          Id(annotation, "image_id", path),
          Id(annotation, "category_id", path),
          {v[0], v[1], v[2], v[3], flag("ignore") || flag("iscrowd")}};
}

/// Reads one of the top-level lists, element by element, into `file`.
void ReadList(JsonStream& stream, const std::string& key, CocoFile& file, const ProblemSink& problem) {
  stream.Open('[', key + " must be an array");
  for (std::int64_t index = 0; stream.More(); ++index) {
    const json value = stream.Value(key + "[" + std::to_string(index) + "]");
    const TaskPosition at{index, stream.value_line()};
    try {
      if (key == "images") {
        CocoImage image = ReadImage(value, at);
        const std::int64_t id = Id(value, "id", "images[" + std::to_string(index) + "]");
        if (!file.images.emplace(id, std::move(image)).second) {
          throw Invalid{"images[" + std::to_string(index) + "].id " + std::to_string(id) + " is used twice"};
        }
      } else if (key == "annotations") {
        file.boxes.push_back(ReadBox(value, at));
      } else if (value.is_object()) {  // categories
        file.categories[Id(value, "id", "categories")] = value.value("name", "");
      }
    } catch (const Invalid& invalid) {
      problem({at, "", invalid.message});
    } catch (const json::exception& e) {
      problem({at, "", std::string("unexpected value: ") + e.what()});
    }
  }
}

/// One task per image, its boxes those of its annotations with a face or ignore category.
std::int64_t Emit(const CocoFile& file, const TaskSink& sink, const ProblemSink& problem) {
  std::map<std::int64_t, ParsedTask> tasks;
  for (const auto& [id, image] : file.images) {
    tasks[id] = ParsedTask{image.at, image.request_id, "", std::nullopt, false, image.width, image.height, {}};
  }
  for (const CocoBox& box : file.boxes) {
    const std::string path = "annotations[" + std::to_string(box.at.index) + "]";
    const auto task = tasks.find(box.image_id);
    const auto category = file.categories.find(box.category_id);
    if (task == tasks.end()) {
      problem({box.at, "", path + ".image_id " + std::to_string(box.image_id) + " names no image"});
    } else if (category == file.categories.end() || (category->second != "face" && category->second != "ignore")) {
      problem({box.at, task->second.request_id, path + R"(.category_id must name the category "face" or "ignore")"});
    } else {
      LabelBox read = box.box;
      read.ignore = read.ignore || category->second == "ignore";
      task->second.boxes.push_back(read);
    }
  }
  for (auto& [id, task] : tasks) sink(std::move(task));
  return static_cast<std::int64_t>(file.images.size());
}

}  // namespace

std::int64_t ParseCoco(std::istream& in, const TaskSink& task, const ProblemSink& problem) {
  JsonStream stream(in);
  stream.Open('{', "a COCO file is a JSON object");
  CocoFile file;
  std::set<std::string> seen;
  while (stream.More()) {
    const std::string key = stream.Key();
    if (key == "images" || key == "annotations" || key == "categories") {
      if (!seen.insert(key).second) {
        throw Error(ErrorCode::kBadRequest, "line " + std::to_string(stream.line()) + ": " + key + " appears twice");
      }
      ReadList(stream, key, file, problem);
    } else {
      stream.Skip(key);  // info, licenses, ...
    }
  }
  stream.End();
  if (!seen.contains("images")) throw Error(ErrorCode::kBadRequest, "a COCO file needs an images list");
  return Emit(file, task, problem);
}

}  // namespace faceloop::labels
