#pragma once
// Translation of tfjs graph nodes (NHWC, TensorFlow semantics) into OpenCV DNN layers (NCHW).
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <opencv2/dnn.hpp>

#include "detect/import/tfjs_graph.hpp"

namespace faceloop::detect {

class TfjsNetBuilder {
 public:
  explicit TfjsNetBuilder(const TfjsGraph& graph);
  TfjsNet Build(const std::vector<std::string>& outputs);

 private:
  /// Where a tensor comes from, and its spatial size when the graph runs at its nominal input size
  /// (needed to turn fixed resize targets into scale factors).
  struct Port {
    int layer = 0;
    cv::Size nominal;
  };
  /// A spatial zero-pad not yet materialised: folded into the next convolution when there is one.
  struct PendingPad {
    std::string source;
    int top = 0, bottom = 0, left = 0, right = 0;
  };

  void Visit(const std::string& name);
  void Translate(const TfjsNode& node);
  Port Input(const TfjsNode& node, std::size_t index);
  int AddLayer(const std::string& name, const std::string& type, cv::dnn::LayerParams& params,
               const std::vector<Port>& inputs);
  const TfjsTensor& Constant(const std::string& name) const;

  void AddPlaceholder(const TfjsNode& node);
  void AddPad(const TfjsNode& node);
  void AddConvolution(const TfjsNode& node, bool depthwise);
  void AddFusedActivations(const TfjsNode& node, Port port);
  void AddElementwiseSum(const TfjsNode& node);
  void AddActivation(const TfjsNode& node, const std::string& type);
  void AddMaxPool(const TfjsNode& node);
  void AddResizeBilinear(const TfjsNode& node);
  void AddIdentity(const TfjsNode& node);

  const TfjsGraph& graph_;
  std::unordered_map<std::string, const TfjsNode*> by_name_;
  std::unordered_map<std::string, Port> ports_;
  std::unordered_map<std::string, PendingPad> pending_pads_;
  std::set<std::string> visiting_;
  std::unordered_map<int, std::string> layer_names_;
  cv::dnn::Net net_;
};

}  // namespace faceloop::detect
