#pragma once
// The XNNPACK operators (and the odd hand-written loop) that compute one graph node. Operators are
// created once, which packs their weights; Setup binds them to buffers of one input size.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <xnnpack.h>

#include "detect/runtime/graph.hpp"
#include "detect/runtime/xnnpack_plan.hpp"

namespace faceloop::detect::nn {

/// Every value's first float (its buffer plus its channel offset) and shape at one input size.
struct Bindings {
  std::vector<float*> data;
  std::vector<Shape> shapes;
};

class Step {
 public:
  virtual ~Step() = default;
  /// Called once per input size, before Run.
  virtual void Setup(const Bindings& bindings) = 0;
  virtual void Run() = 0;
  /// For large inputs: set up, run, then set up at the tiny `parking` size, which shrinks what the
  /// operator allocated for `large` (XNNPACK's indirection buffers grow with the output).
  virtual void RunLarge(const Bindings& large, const Bindings& parking) {
    Setup(large);
    Run();
    Setup(parking);
  }
};

/// Binds an operator to the buffers of one input size.
using SetupFn = std::function<xnn_status(xnn_operator_t, const Bindings&)>;

/// A step running the operator that `create` makes (deleted with the step); throws
/// faceloop::Error(kInternal) naming `node` when XNNPACK refuses to create, set up or run it.
std::unique_ptr<Step> MakeOperatorStep(const std::string& node, const char* what,
                                       const std::function<xnn_status(xnn_operator_t*)>& create, SetupFn setup);

/// The clamp XNNPACK fuses into an operator's output: Relu and Relu6; other activations run apart.
struct OutputRange {
  float min, max;
};
OutputRange FusedRange(Activation activation);

[[noreturn]] void FailOnNode(const std::string& node, const std::string& why);

/// Initialises XNNPACK once per process; throws faceloop::Error(kInternal) where it cannot run.
void InitializeXnnpack();

/// The steps computing node `id` (none for the graph input). Throws faceloop::Error(kInternal),
/// naming the node, for what XNNPACK refuses.
std::vector<std::unique_ptr<Step>> MakeSteps(const Graph& graph, ValueId id, const Layout& layout);

}  // namespace faceloop::detect::nn
