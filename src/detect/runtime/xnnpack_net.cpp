#include "detect/runtime/xnnpack_net.hpp"

#include <cstdlib>
#include <cstring>

#include "common/error.hpp"
#include "detect/runtime/xnnpack_ops.hpp"
#include "detect/runtime/xnnpack_plan.hpp"

namespace faceloop::detect::nn {
namespace {

// Shape inference is how a graph is checked (ids, weight sizes); the check needs some input size, and
// this one is larger than any stride a detector has.
constexpr int kValidationSize = 4096;

void Validate(const Graph& graph) {
  try {
    InferShapes(graph, kValidationSize, kValidationSize);
  } catch (const Error& error) {
    if (error.code() == ErrorCode::kInternal) throw;
    throw Error(ErrorCode::kInternal, std::string("network graph cannot be checked: ") + error.what());
  }
}

struct FreeDeleter {
  void operator()(void* memory) const { std::free(memory); }
};

}  // namespace

struct XnnpackNet::Impl {
  explicit Impl(const Graph& source) : graph(source) {
    Validate(graph);
    InitializeXnnpack();
    layout = Layout{ChannelCounts(graph), PlaceValues(graph)};
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
      for (auto& step : MakeSteps(graph, static_cast<ValueId>(i), layout)) steps.push_back(std::move(step));
    }
  }

  /// Shapes, buffers and operator set-up for a new input size; the arena only ever grows, so a stream
  /// of alternating sizes (multiscale passes) does not reallocate.
  void Resize(int new_height, int new_width) {
    std::vector<Shape> shapes = InferShapes(graph, new_height, new_width);
    const MemoryPlan plan = PlanMemory(graph, layout.placements, shapes);
    if (plan.arena_bytes > arena_bytes) {
      arena.reset(static_cast<std::byte*>(std::aligned_alloc(64, plan.arena_bytes)));
      if (!arena) throw Error(ErrorCode::kInternal, "out of memory for network buffers");
      arena_bytes = plan.arena_bytes;
    }
    bindings.data.clear();
    for (const Placement& p : layout.placements) {
      const std::size_t offset = plan.offsets[static_cast<std::size_t>(p.buffer)];
      bindings.data.push_back(reinterpret_cast<float*>(arena.get() + offset) + p.channel_offset);
    }
    bindings.shapes = std::move(shapes);
    height = width = 0;  // stays invalid if a set-up below throws
    for (auto& step : steps) step->Setup(bindings);
    height = new_height;
    width = new_width;
  }

  Graph graph;
  Layout layout;
  std::vector<std::unique_ptr<Step>> steps;
  std::unique_ptr<std::byte, FreeDeleter> arena;
  std::size_t arena_bytes = 0;
  Bindings bindings;
  int height = 0, width = 0;
};

XnnpackNet::XnnpackNet(const Graph& graph) : impl_(std::make_unique<Impl>(graph)) {}

XnnpackNet::~XnnpackNet() = default;

std::vector<TensorView> XnnpackNet::Run(const float* input, int height, int width) {
  Impl& net = *impl_;
  if (height != net.height || width != net.width) net.Resize(height, width);
  // The input is copied into the arena: XNNPACK reads a little past the end of its tensors, which a
  // caller's buffer does not allow for.
  std::memcpy(net.bindings.data[0], input, static_cast<std::size_t>(net.bindings.shapes[0].Elements()) * sizeof(float));
  for (auto& step : net.steps) step->Run();
  std::vector<TensorView> outputs;
  for (ValueId id : net.graph.outputs) {
    const auto i = static_cast<std::size_t>(id);
    outputs.push_back(TensorView{net.bindings.data[i], net.bindings.shapes[i]});
  }
  return outputs;
}

}  // namespace faceloop::detect::nn
