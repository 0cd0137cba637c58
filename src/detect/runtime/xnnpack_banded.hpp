#pragma once
// Large inputs and the convolution that reads them. XNNPACK's convolution keeps an indirection
// buffer of kernel_h x kernel_w pointers per output pixel; for the first convolution of a large pass
// (blazeface-back's 5x5 at 768x576) that is 22 MB, more than any activation. In large runs this
// step computes such a convolution in horizontal bands through its own unpadded operator, copying
// each band of the input, zero padding included, into a small buffer: the pointers then cover a band.
#include <memory>

#include "detect/runtime/graph.hpp"
#include "detect/runtime/xnnpack_ops.hpp"

namespace faceloop::detect::nn {

/// `step` (the operator computing `conv`, node `id`, which reads the contiguous graph input and writes
/// pixels `out_stride` floats apart) for Setup/Run; bands for RunLarge.
std::unique_ptr<Step> WithBandedLargeRuns(std::unique_ptr<Step> step, const Node& node, const Conv2D& conv, ValueId id,
                                          int out_stride);

}  // namespace faceloop::detect::nn
