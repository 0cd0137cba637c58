#pragma once
// The XNNPACK operators (and the odd hand-written loop) that compute one graph node. Operators are
// created once, which packs their weights; Setup binds them to buffers of one input size.
#include <memory>
#include <vector>

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
};

/// Initialises XNNPACK once per process; throws faceloop::Error(kInternal) where it cannot run.
void InitializeXnnpack();

/// The steps computing node `id` (none for the graph input). Throws faceloop::Error(kInternal),
/// naming the node, for what XNNPACK refuses.
std::vector<std::unique_ptr<Step>> MakeSteps(const Graph& graph, ValueId id, const Layout& layout);

}  // namespace faceloop::detect::nn
