// Label Studio tasks (tasks.json): one task per image with the model's boxes as a prediction, in
// percent of the image (Label Studio's rectanglelabels). The names are a contract with the label
// import (src/labels on the dslabels branch), which reads exports made from these tasks.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "datasets/formats/writer.hpp"

namespace faceloop::datasets {
namespace {

using json = nlohmann::json;

double Percent(double value, int of) { return of > 0 ? value * 100.0 / of : 0.0; }

class LabelStudioWriter final : public IFormatWriter {
 public:
  explicit LabelStudioWriter(const std::filesystem::path& root) : out_(root / "tasks.json") { out_.Write("["); }

  void Add(const ExportItem& item) override {
    json result = json::array();
    double best = 0;
    for (std::size_t i = 0; i < item.boxes.size(); ++i) {
      const ExportBox& box = item.boxes[i];
      best = std::max(best, box.score);
      result.push_back({{"id", item.request_id + "-" + std::to_string(i)},
                        {"type", "rectanglelabels"},
                        {"from_name", "label"},
                        {"to_name", "image"},
                        {"original_width", item.width},
                        {"original_height", item.height},
                        {"image_rotation", 0},
                        {"value",
                         {{"x", Percent(box.x, item.width)},
                          {"y", Percent(box.y, item.height)},
                          {"width", Percent(box.width, item.width)},
                          {"height", Percent(box.height, item.height)},
                          {"rotation", 0},
                          {"rectanglelabels", {"face"}}}},
                        {"score", box.score}});
    }
    const json task = {{"data", {{"image", item.file_name}, {"request_id", item.request_id}}},
                       {"predictions", {{{"model_version", item.model_version}, {"score", best}, {"result", result}}}}};
    out_.Write(count_++ == 0 ? "\n" : ",\n");
    out_.Write(task.dump());
  }

  void Finish() override {
    out_.Write("\n]\n");
    out_.Close();
  }

 private:
  OutputFile out_;
  std::int64_t count_ = 0;
};

}  // namespace

std::unique_ptr<IFormatWriter> MakeLabelStudioWriter(const std::filesystem::path& root) {
  return std::make_unique<LabelStudioWriter>(root);
}

}  // namespace faceloop::datasets
