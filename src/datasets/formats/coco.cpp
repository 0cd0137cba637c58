// COCO instances JSON (annotations.json): `images` with integer ids, `annotations` with [x, y, w, h]
// pixel boxes of category 1 "face" and the model's `score`. The two arrays are streamed to two
// files and joined at Finish, so an export of any size is written in bounded memory.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "datasets/formats/writer.hpp"

namespace faceloop::datasets {
namespace {

using json = nlohmann::json;

class CocoWriter final : public IFormatWriter {
 public:
  explicit CocoWriter(const std::filesystem::path& root)
      : root_(root), images_(root / "annotations.json"), annotations_(root / ".annotations.part") {
    const json info = {{"description", "faceloop export: the model's predictions as pre-annotations"}};
    images_.Write(R"({"info":)" + info.dump() + R"(,"categories":[{"id":1,"name":"face"}],"images":[)");
  }

  void Add(const ExportItem& item) override {
    const std::int64_t image_id = ++images_count_;
    const json image = {{"id", image_id},
                        {"file_name", item.file_name},
                        {"width", item.width},
                        {"height", item.height},
                        {"faceloop_request_id", item.request_id}};
    if (image_id > 1) images_.Write(",");
    images_.Write(image.dump());
    for (const ExportBox& box : item.boxes) {
      const json annotation = {{"id", ++annotations_count_},
                               {"image_id", image_id},
                               {"category_id", 1},
                               {"bbox", {box.x, box.y, box.width, box.height}},
                               {"area", box.width * box.height},
                               {"iscrowd", 0},
                               {"score", box.score}};
      if (annotations_count_ > 1) annotations_.Write(",");
      annotations_.Write(annotation.dump());
    }
  }

  void Finish() override {
    annotations_.Close();
    images_.Write("],\"annotations\":[");
    std::ifstream part(annotations_.path(), std::ios::binary);
    std::string chunk(1 << 16, '\0');
    while (part.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || part.gcount() > 0) {
      images_.Write(std::string_view(chunk.data(), static_cast<std::size_t>(part.gcount())));
    }
    part.close();
    std::filesystem::remove(annotations_.path());
    images_.Write("]}\n");
    images_.Close();
  }

 private:
  std::filesystem::path root_;
  OutputFile images_;
  OutputFile annotations_;
  std::int64_t images_count_ = 0;
  std::int64_t annotations_count_ = 0;
};

}  // namespace

std::unique_ptr<IFormatWriter> MakeCocoWriter(const std::filesystem::path& root) {
  return std::make_unique<CocoWriter>(root);
}

}  // namespace faceloop::datasets
