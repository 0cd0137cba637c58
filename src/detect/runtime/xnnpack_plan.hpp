#pragma once
// Where the values of an nn::Graph live while XnnpackNet runs it. Two decisions:
//  - placement (independent of the input size): a value gets its own buffer, or is written straight
//    into its channel slice of a Concat's buffer (the producer writes with a pixel stride, so the
//    concatenation costs nothing);
//  - memory (per input size): every buffer gets an offset in one arena, and buffers whose lifetimes
//    do not overlap share memory.
#include <cstddef>
#include <vector>

#include "detect/runtime/graph.hpp"

namespace faceloop::detect::nn {

/// The values a node reads, in order (a value read twice is listed twice).
std::vector<ValueId> InputsOf(const Op& op);

/// The channel count of every node's value (it does not depend on the input size).
std::vector<int> ChannelCounts(const Graph& graph);

struct Placement {
  ValueId buffer = 0;      ///< the value whose buffer holds this one (itself unless in a Concat slice)
  int channel_offset = 0;  ///< first channel of this value inside that buffer
  int pixel_stride = 0;    ///< floats from one pixel to the next (the buffer's channel count)
};

/// One Placement per node. Values that are graph outputs, the graph input, and values read by ops
/// that need contiguous data (Add, Pad) keep their own buffers.
std::vector<Placement> PlaceValues(const Graph& graph);

/// What the operators of a graph are built for: channel counts and placements, both size-independent.
struct Layout {
  std::vector<int> channels;
  std::vector<Placement> placements;
};

struct MemoryPlan {
  /// Byte offset into the arena of every value's buffer; only meaningful for buffer owners.
  std::vector<std::size_t> offsets;
  std::size_t arena_bytes = 0;
};

/// Assigns arena offsets for the given shapes (InferShapes at one input size). A buffer is live from
/// the first step that writes it to the last step that reads it (outputs: to the end).
MemoryPlan PlanMemory(const Graph& graph, const std::vector<Placement>& placements, const std::vector<Shape>& shapes);

}  // namespace faceloop::detect::nn
