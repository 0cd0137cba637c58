#include "eval/annotations.hpp"

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace faceloop::eval {
namespace {

using nlohmann::json;

// Every parse error carries the file and a JSON-path-like location, so a bad entry among thousands
// can be found without a debugger.
[[noreturn]] void Fail(const std::string& where, const std::string& what) {
  throw Error(ErrorCode::kBadRequest, where + ": " + what);
}

std::string Index(const std::string& where, std::size_t i) { return where + "[" + std::to_string(i) + "]"; }

json ReadJson(const std::filesystem::path& json_path) {
  std::ifstream in(json_path, std::ios::binary);
  if (!in) {
    throw Error(ErrorCode::kNotFound, "cannot open annotation file " + json_path.string());
  }
  try {
    return json::parse(in);
  } catch (const json::parse_error& e) {
    Fail(json_path.string(), std::string("invalid JSON: ") + e.what());
  }
}

const json& Member(const json& object, const char* key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end()) Fail(where, std::string("missing \"") + key + "\"");
  return *it;
}

detect::Box ParseBox(const json& value, const std::string& where) {
  if (!value.is_array() || value.size() != 4) Fail(where, "expected an array of 4 numbers [x, y, w, h]");
  for (const json& n : value) {
    if (!n.is_number()) Fail(where, "expected an array of 4 numbers [x, y, w, h]");
  }
  return detect::Box{value[0].get<float>(), value[1].get<float>(), value[2].get<float>(), value[3].get<float>()};
}

std::vector<detect::Box> ParseBoxes(const json& value, const std::string& where) {
  if (!value.is_array()) Fail(where, "expected an array of boxes");
  std::vector<detect::Box> boxes;
  boxes.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) boxes.push_back(ParseBox(value[i], Index(where, i)));
  return boxes;
}

std::optional<Difficulty> ParseDifficulty(const json& value, const std::string& where) {
  if (value.is_null()) return std::nullopt;
  if (value.is_string()) {
    const auto& name = value.get_ref<const std::string&>();
    if (name == "easy") return Difficulty::kEasy;
    if (name == "medium") return Difficulty::kMedium;
    if (name == "hard") return Difficulty::kHard;
  }
  Fail(where, R"(expected "easy", "medium", "hard" or null, got )" + value.dump());
}

int ParseDimension(const json& image, const char* key, const std::string& where) {
  const json& value = Member(image, key, where);
  if (!value.is_number_integer() || value.get<long long>() <= 0 || value.get<long long>() > 1'000'000) {
    Fail(where + "." + key, "expected a positive integer, got " + value.dump());
  }
  return value.get<int>();
}

std::vector<GroundTruthFace> ParseFaces(const json& image, const std::string& where) {
  std::vector<detect::Box> boxes = ParseBoxes(Member(image, "faces", where), where + ".faces");
  const json& difficulty = Member(image, "faces_difficulty", where);
  if (!difficulty.is_array() || difficulty.size() != boxes.size()) {
    Fail(where + ".faces_difficulty",
         "expected an array with one entry per face (" + std::to_string(boxes.size()) + ")");
  }
  std::vector<GroundTruthFace> faces(boxes.size());
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    faces[i] = {boxes[i], ParseDifficulty(difficulty[i], Index(where + ".faces_difficulty", i))};
  }
  return faces;
}

AnnotatedImage ParseImage(const json& image, const std::filesystem::path& base_dir, const std::string& where) {
  if (!image.is_object()) Fail(where, "expected an object");
  const json& file = Member(image, "file", where);
  if (!file.is_string() || file.get_ref<const std::string&>().empty()) {
    Fail(where + ".file", "expected a non-empty string");
  }
  AnnotatedImage out;
  // operator/ keeps an absolute "file" as is and leaves it cwd-relative when the JSON path has no
  // directory part, which is what callers expect.
  out.file = base_dir / file.get_ref<const std::string&>();
  out.width = ParseDimension(image, "width", where);
  out.height = ParseDimension(image, "height", where);
  out.faces = ParseFaces(image, where);
  if (auto it = image.find("ignore"); it != image.end()) out.ignore = ParseBoxes(*it, where + ".ignore");
  return out;
}

}  // namespace

std::string_view DifficultyName(Difficulty difficulty) {
  switch (difficulty) {
    case Difficulty::kEasy: return "easy";
    case Difficulty::kMedium: return "medium";
    case Difficulty::kHard: return "hard";
  }
  return "unknown";
}

std::vector<AnnotatedImage> LoadAnnotations(const std::filesystem::path& json_path) {
  const json root = ReadJson(json_path);
  const std::string where = json_path.string();
  if (!root.is_object()) Fail(where, "expected a JSON object at the top level");
  const json& images = Member(root, "images", where);
  if (!images.is_array()) Fail(where + ": images", "expected an array");
  const std::filesystem::path base_dir = json_path.parent_path();
  std::vector<AnnotatedImage> out;
  out.reserve(images.size());
  for (std::size_t i = 0; i < images.size(); ++i) {
    out.push_back(ParseImage(images[i], base_dir, where + ": " + Index("images", i)));
  }
  return out;
}

}  // namespace faceloop::eval
