// Placement of values into Concat slices, and the arena plan: buffers alive at the same time never
// overlap, and buffers that are not share memory.
#include "detect/runtime/xnnpack_plan.hpp"

#include <gtest/gtest.h>

namespace faceloop::detect::nn {
namespace {

Conv2D Pointwise(ValueId input, int in, int out) {
  Conv2D conv;
  conv.input = input;
  conv.in_channels = in;
  conv.out_channels = out;
  conv.weights.assign(static_cast<std::size_t>(in * out), 0.5f);
  return conv;
}

TEST(PlaceValues, ConvolutionsWriteIntoTheirConcatSlice) {
  Graph graph;
  graph.Add("input", Input{3});
  const ValueId a = graph.Add("a", Pointwise(0, 3, 4));
  const ValueId b = graph.Add("b", Pointwise(0, 3, 5));
  const ValueId concat = graph.Add("concat", Concat{{a, b}});
  graph.outputs = {concat};
  const std::vector<Placement> placements = PlaceValues(graph);
  EXPECT_EQ(placements[static_cast<std::size_t>(a)].buffer, concat);
  EXPECT_EQ(placements[static_cast<std::size_t>(a)].channel_offset, 0);
  EXPECT_EQ(placements[static_cast<std::size_t>(a)].pixel_stride, 9);
  EXPECT_EQ(placements[static_cast<std::size_t>(b)].buffer, concat);
  EXPECT_EQ(placements[static_cast<std::size_t>(b)].channel_offset, 4);
  EXPECT_EQ(placements[static_cast<std::size_t>(concat)].buffer, concat);
}

TEST(PlaceValues, ContiguousReadersOutputsAndTheInputKeepTheirOwnBuffers) {
  Graph graph;
  graph.Add("input", Input{3});
  const ValueId summed = graph.Add("summed", Pointwise(0, 3, 3));
  const ValueId sum = graph.Add("sum", Add{0, summed});
  const ValueId output = graph.Add("output", Pointwise(0, 3, 2));
  const ValueId concat = graph.Add("concat", Concat{{0, summed, output, sum}});
  graph.outputs = {concat, output};
  const std::vector<Placement> placements = PlaceValues(graph);
  for (ValueId id : {ValueId{0}, summed, output, sum}) {
    EXPECT_EQ(placements[static_cast<std::size_t>(id)].buffer, id) << graph.nodes[static_cast<std::size_t>(id)].name;
    EXPECT_EQ(placements[static_cast<std::size_t>(id)].channel_offset, 0);
  }
}

/// A chain input -> c1 -> ... -> cN with one skip connection from c1 to the end.
Graph ChainWithSkip(int length) {
  Graph graph;
  graph.Add("input", Input{8});
  ValueId last = graph.Add("c1", Pointwise(0, 8, 8));
  const ValueId skip = last;
  for (int i = 2; i <= length; ++i) last = graph.Add(std::to_string(i), Pointwise(last, 8, 8));
  graph.outputs = {graph.Add("sum", Add{skip, last})};
  return graph;
}

TEST(PlanMemory, BuffersAliveTogetherDoNotOverlapAndTheRestIsShared) {
  const Graph graph = ChainWithSkip(8);
  const std::vector<Shape> shapes = InferShapes(graph, 20, 30);
  const std::vector<Placement> placements = PlaceValues(graph);
  const MemoryPlan plan = PlanMemory(graph, placements, shapes);

  // Lifetimes computed here from the graph: a value lives from its node to its last reader.
  const std::size_t count = graph.nodes.size();
  std::vector<std::size_t> last(count);
  for (std::size_t i = 0; i < count; ++i) {
    last[i] = i;
    for (std::size_t j = i + 1; j < count; ++j) {
      for (ValueId input : InputsOf(graph.nodes[j].op)) {
        if (static_cast<std::size_t>(input) == i) last[i] = j;
      }
    }
  }
  for (ValueId output : graph.outputs) last[static_cast<std::size_t>(output)] = count;

  const std::size_t bytes = static_cast<std::size_t>(shapes[0].Elements()) * sizeof(float);
  std::size_t total = 0;
  for (std::size_t a = 0; a < count; ++a) {
    total += bytes;
    for (std::size_t b = a + 1; b < count; ++b) {
      const bool alive_together = b <= last[a];
      const bool disjoint = plan.offsets[a] + bytes <= plan.offsets[b] || plan.offsets[b] + bytes <= plan.offsets[a];
      if (alive_together) {
        EXPECT_TRUE(disjoint) << graph.nodes[a].name << " and " << graph.nodes[b].name;
      }
    }
    EXPECT_LE(plan.offsets[a] + bytes, plan.arena_bytes);
  }
  // At most the skip, the current value and the next one are alive at once: three buffers, not ten.
  EXPECT_LT(plan.arena_bytes, 4 * (bytes + 64));
  EXPECT_LT(plan.arena_bytes, total);
}

}  // namespace
}  // namespace faceloop::detect::nn
