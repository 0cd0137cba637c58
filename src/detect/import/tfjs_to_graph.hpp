#pragma once
// Translation of a TensorFlow.js graph model into the runtime-neutral nn::Graph that XnnpackNet runs.
// Weights are converted once here (HWIO -> OHWI; depthwise HWCM -> (C*M)HW1); the result is shared by
// every runtime instance of the model.
#include <string>
#include <vector>

#include "detect/import/tfjs_graph.hpp"
#include "detect/runtime/graph.hpp"

namespace faceloop::detect {

/// The part of `graph` that computes `outputs` (node names), with the graph's outputs in that order.
/// Spatial Pads fold into the convolution that reads them; a Relu/Relu6 fuses into the convolution or
/// addition before it when nothing else reads that value; ResizeBilinear's fixed target becomes a
/// factor of the nominal input size. Throws faceloop::Error(kInternal) naming any unsupported op.
nn::Graph TfjsToGraph(const TfjsGraph& graph, const std::vector<std::string>& outputs);

}  // namespace faceloop::detect
