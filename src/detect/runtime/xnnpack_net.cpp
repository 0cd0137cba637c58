#include "detect/runtime/xnnpack_net.hpp"

#include <cstdlib>
#include <cstring>
#include <utility>

#include "common/error.hpp"
#include "detect/runtime/xnnpack_ops.hpp"
#include "detect/runtime/xnnpack_plan.hpp"

namespace faceloop::detect::nn {
namespace {

// Shape inference is how a graph is checked (ids, weight sizes); the check needs some input size, and
// this one is larger than any stride a detector has.
constexpr int kValidationSize = 4096;

// Above this many input pixels (a VGA image) operators are set up just before they run and parked
// right after (see Impl::RunLarge): XNNPACK's per-operator indirection buffers would otherwise all
// hold their large-size allocations at once (blazeface-back at 768x576: 49 MB next to a 32 MB arena).
constexpr long kLargeInputPixels = 640L * 480L;

void Validate(const Graph& graph) {
  try {
    InferShapes(graph, kValidationSize, kValidationSize);
  } catch (const Error& error) {
    if (error.code() == ErrorCode::kInternal) throw;
    throw Error(ErrorCode::kInternal, std::string("network graph cannot be checked: ") + error.what());
  }
}

// The arena comes from std::aligned_alloc (XNNPACK wants 64-byte alignment), so std::free releases it.
struct FreeDeleter {
  void operator()(void* memory) const { std::free(memory); }  // NOLINT(cppcoreguidelines-no-malloc)
};
using Memory = std::unique_ptr<std::byte, FreeDeleter>;

/// The shapes and buffer addresses of one input size, in memory that only ever grows (a stream of
/// alternating sizes, as multiscale passes are, does not reallocate).
class Buffers {
 public:
  /// Plans `graph` at height x width and points `bindings` into this memory.
  void Plan(const Graph& graph, const Layout& layout, int height, int width) {
    std::vector<Shape> shapes = InferShapes(graph, height, width);
    const MemoryPlan plan = PlanMemory(graph, layout.placements, shapes);
    if (plan.arena_bytes > bytes_) {
      memory_.reset(static_cast<std::byte*>(std::aligned_alloc(64, plan.arena_bytes)));
      if (!memory_) throw Error(ErrorCode::kInternal, "out of memory for network buffers");
      bytes_ = plan.arena_bytes;
    }
    bindings.data.clear();
    for (const Placement& p : layout.placements) {
      const std::size_t offset = plan.offsets[static_cast<std::size_t>(p.buffer)];
      bindings.data.push_back(reinterpret_cast<float*>(memory_.get() + offset) + p.channel_offset);
    }
    bindings.shapes = std::move(shapes);
  }

  Bindings bindings;

 private:
  Memory memory_;
  std::size_t bytes_ = 0;
};

/// The smallest square input the graph accepts: where operators park between large runs.
int SmallestInput(const Graph& graph) {
  for (int size = 1;; size *= 2) {
    try {
      InferShapes(graph, size, size);
      return size;
    } catch (const Error& error) {
      if (error.code() != ErrorCode::kUnprocessable || size >= kValidationSize) throw;
    }
  }
}

}  // namespace

struct XnnpackNet::Impl {
  explicit Impl(Graph source) : graph(std::move(source)) {
    Validate(graph);
    InitializeXnnpack();
    layout = Layout{ChannelCounts(graph), PlaceValues(graph)};
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
      for (auto& step : MakeSteps(graph, static_cast<ValueId>(i), layout)) steps.push_back(std::move(step));
    }
    const int parking_size = SmallestInput(graph);
    parking.Plan(graph, layout, parking_size, parking_size);
  }

  /// The usual path: operators stay set up for the last size, so same-size runs only compute.
  void RunCached(int height, int width) {
    if (height != set_up_height || width != set_up_width) {
      set_up_height = set_up_width = 0;  // stays invalid if a set-up below throws
      for (auto& step : steps) step->Setup(buffers.bindings);
      set_up_height = height;
      set_up_width = width;
    }
    for (auto& step : steps) step->Run();
  }

  /// Large inputs: each operator is set up right before it runs and set up again at the parking size
  /// right after, which shrinks its buffers, so only one operator's large buffers exist at a time.
  void RunLarge() {
    set_up_height = set_up_width = 0;  // everything is parked afterwards
    for (auto& step : steps) step->RunLarge(buffers.bindings, parking.bindings);
  }

  Graph graph;
  Layout layout;
  std::vector<std::unique_ptr<Step>> steps;
  Buffers buffers;  ///< of the last Run
  Buffers parking;  ///< tiny, for parked operators
  int set_up_height = 0, set_up_width = 0;
};

XnnpackNet::XnnpackNet(const Graph& graph) : impl_(std::make_unique<Impl>(graph)) {}

XnnpackNet::~XnnpackNet() = default;

std::vector<TensorView> XnnpackNet::Run(const float* input, int height, int width) {
  Impl& net = *impl_;
  Bindings& bindings = net.buffers.bindings;
  if (bindings.shapes.empty() || height != bindings.shapes[0].height || width != bindings.shapes[0].width) {
    net.buffers.Plan(net.graph, net.layout, height, width);
  }
  // The input is copied into the arena: XNNPACK reads a little past the end of its tensors, which a
  // caller's buffer does not allow for.
  std::memcpy(bindings.data[0], input, static_cast<std::size_t>(bindings.shapes[0].Elements()) * sizeof(float));
  if (static_cast<long>(height) * width > kLargeInputPixels) {
    net.RunLarge();
  } else {
    net.RunCached(height, width);
  }
  std::vector<TensorView> outputs;
  for (ValueId id : net.graph.outputs) {
    const auto i = static_cast<std::size_t>(id);
    outputs.push_back(TensorView{bindings.data[i], bindings.shapes[i]});
  }
  return outputs;
}

}  // namespace faceloop::detect::nn
