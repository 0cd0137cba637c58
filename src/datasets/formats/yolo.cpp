// YOLO: labels/<request_id>.txt with one "0 cx cy w h" line per face (centre and size over the
// image's width and height, clamped into 0..1), next to images/, and data.yaml naming class 0.
#include <algorithm>
#include <cstdio>
#include <utility>

#include "datasets/formats/writer.hpp"

namespace faceloop::datasets {
namespace {

double Unit(double value) { return std::clamp(value, 0.0, 1.0); }

class YoloWriter final : public IFormatWriter {
 public:
  explicit YoloWriter(std::filesystem::path root) : root_(std::move(root)) {}

  void Add(const ExportItem& item) override {
    OutputFile labels(root_ / "labels" / (item.request_id + ".txt"));
    const double w = std::max(item.width, 1);
    const double h = std::max(item.height, 1);
    for (const ExportBox& box : item.boxes) {
      // Clip to the image first: a box may reach past an edge, and YOLO wants 0..1.
      const double x0 = Unit(box.x / w);
      const double y0 = Unit(box.y / h);
      const double x1 = Unit((box.x + box.width) / w);
      const double y1 = Unit((box.y + box.height) / h);
      char line[128];
      (void)std::snprintf(line, sizeof line, "0 %.6f %.6f %.6f %.6f\n", (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0);
      labels.Write(line);
    }
    labels.Close();
  }

  void Finish() override {
    OutputFile yaml(root_ / "data.yaml");
    yaml.Write(
        "# faceloop export: the model's predictions as pre-annotations\npath: .\ntrain: images\nval: images\n"
        "nc: 1\nnames:\n  0: face\n");
    yaml.Close();
  }

 private:
  std::filesystem::path root_;
};

}  // namespace

std::unique_ptr<IFormatWriter> MakeYoloWriter(const std::filesystem::path& root) {
  return std::make_unique<YoloWriter>(root);
}

}  // namespace faceloop::datasets
