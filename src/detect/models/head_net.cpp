#include "detect/models/head_net.hpp"

namespace faceloop::detect {
namespace {

class XnnpackHeadNet final : public HeadNet {
 public:
  explicit XnnpackHeadNet(const nn::Graph& graph) : net_(graph) {}

  std::vector<nn::TensorView> Run(const cv::Mat& rgb, const Letterbox& box) override {
    FillInputNhwc(rgb, box, input_);
    return net_.Run(input_.data(), box.input.height, box.input.width);
  }

 private:
  nn::XnnpackNet net_;
  std::vector<float> input_;
};

class OpenCvHeadNet final : public HeadNet {
 public:
  OpenCvHeadNet(const TfjsGraph& graph, const std::vector<std::string>& outputs)
      : net_(BuildOpenCvNet(graph, outputs)) {
    net_.net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net_.net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  }

  std::vector<nn::TensorView> Run(const cv::Mat& rgb, const Letterbox& box) override {
    FillInputBlob(rgb, box, blob_);
    net_.net.setInput(blob_);
    std::vector<cv::Mat> outputs;
    net_.net.forward(outputs, net_.output_layers);
    nhwc_.resize(outputs.size());
    std::vector<nn::TensorView> views;
    for (std::size_t i = 0; i < outputs.size(); ++i) views.push_back(ToNhwc(outputs[i], nhwc_[i]));
    return views;
  }

 private:
  /// OpenCV's outputs are NCHW; the heads are decoded from NHWC, the layout every runtime shares.
  static nn::TensorView ToNhwc(const cv::Mat& blob, std::vector<float>& out) {
    CV_Assert(blob.dims == 4 && blob.size[0] == 1 && blob.type() == CV_32F);
    const int channels = blob.size[1], height = blob.size[2], width = blob.size[3];
    out.resize(static_cast<std::size_t>(channels) * static_cast<std::size_t>(height) * static_cast<std::size_t>(width));
    const auto* in = blob.ptr<float>();
    const std::size_t plane = static_cast<std::size_t>(height) * static_cast<std::size_t>(width);
    for (std::size_t c = 0; c < static_cast<std::size_t>(channels); ++c) {
      for (std::size_t p = 0; p < plane; ++p) out[p * static_cast<std::size_t>(channels) + c] = in[c * plane + p];
    }
    return nn::TensorView{out.data(), nn::Shape{height, width, channels}};
  }

  TfjsNet net_;
  cv::Mat blob_;
  std::vector<std::vector<float>> nhwc_;
};

}  // namespace

std::unique_ptr<HeadNet> MakeXnnpackHeadNet(const nn::Graph& graph) { return std::make_unique<XnnpackHeadNet>(graph); }

std::unique_ptr<HeadNet> MakeOpenCvHeadNet(const TfjsGraph& graph, const std::vector<std::string>& outputs) {
  return std::make_unique<OpenCvHeadNet>(graph, outputs);
}

}  // namespace faceloop::detect
