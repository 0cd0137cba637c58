#pragma once
// XNNPACK's sparse inference path: the graph runs in NCHW layout, where 1x1 convolutions are sparse
// matrix products (SpMM) that skip zero weights, depthwise convolutions have their own CHW kernels, and
// the first convolution reads the NHWC input directly. It pays off for networks pruned for it (MediaPipe's
// full-range face detector: 69 % of its 1x1 weights are zero); XNNPACK's own threshold is two thirds.
#include <memory>
#include <vector>

#include "detect/runtime/graph.hpp"
#include "detect/runtime/xnnpack_ops.hpp"
#include "detect/runtime/xnnpack_plan.hpp"

namespace faceloop::detect::nn {

/// True when every op of `graph` has an NCHW operator (the input read only by 3x3 stride-2
/// convolutions of 3 channels with padding 1; 1x1 convolutions; depthwise 3x3 and 5x5 convolutions
/// with the paddings XNNPACK's CHW kernels take; Add; ResizeBilinear; Relu/Relu6 fused) and more than
/// two thirds of the 1x1 convolution weights are zero.
bool PrefersSparseNchw(const Graph& graph);

/// The steps computing node `id` in NCHW layout (values are C planes of H x W floats); the graph
/// input stays NHWC. Only for graphs PrefersSparseNchw accepts.
std::vector<std::unique_ptr<Step>> MakeNchwSteps(const Graph& graph, ValueId id, const Layout& layout);

}  // namespace faceloop::detect::nn
