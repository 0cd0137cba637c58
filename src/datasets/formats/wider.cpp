// WIDER FACE ground-truth text (wider_face_gt.txt): per image its file name, its face count, then
// one "x y w h" line per face in whole pixels; an image without faces has count 0 and one
// "0 0 0 0" line, as in WIDER's own files.
#include <cmath>
#include <string>

#include "datasets/formats/writer.hpp"

namespace faceloop::datasets {
namespace {

std::string Pixels(double value) { return std::to_string(std::lround(value)); }

class WiderWriter final : public IFormatWriter {
 public:
  explicit WiderWriter(const std::filesystem::path& root) : out_(root / "wider_face_gt.txt") {}

  void Add(const ExportItem& item) override {
    std::string text = item.file_name + "\n" + std::to_string(item.boxes.size()) + "\n";
    for (const ExportBox& box : item.boxes) {
      text += Pixels(box.x) + " " + Pixels(box.y) + " " + Pixels(box.width) + " " + Pixels(box.height) + "\n";
    }
    if (item.boxes.empty()) text += "0 0 0 0\n";
    out_.Write(text);
  }

  void Finish() override { out_.Close(); }

 private:
  OutputFile out_;
};

}  // namespace

std::unique_ptr<IFormatWriter> MakeWiderWriter(const std::filesystem::path& root) {
  return std::make_unique<WiderWriter>(root);
}

}  // namespace faceloop::datasets
