#include "detect/runtime/xnnpack_plan.hpp"

#include <algorithm>
#include <numeric>

#include <xnnpack.h>

namespace faceloop::detect::nn {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// clang 14 (the fuzz preset) does not deduce aggregate template arguments without a guide.
template <typename... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

/// Ops whose XNNPACK operator (or loop) takes a pixel stride for its output.
bool WritesStrided(const Op& op) {
  return std::holds_alternative<Conv2D>(op) || std::holds_alternative<MaxPool>(op) ||
         std::holds_alternative<UpsampleNearest>(op) || std::holds_alternative<ResizeBilinear>(op) ||
         std::holds_alternative<Unary>(op) || std::holds_alternative<PRelu>(op);
}

/// Ops that can read an input with a pixel stride; Add and Pad need contiguous tensors.
bool ReadsStrided(const Op& op) { return WritesStrided(op) || std::holds_alternative<Concat>(op); }

}  // namespace

std::vector<int> ChannelCounts(const Graph& graph) {
  std::vector<int> channels;
  for (const Node& node : graph.nodes) {
    const auto of = [&](ValueId id) { return channels.at(static_cast<std::size_t>(id)); };
    channels.push_back(
        std::visit(Overloaded{
                       [](const Input& op) { return op.channels; },
                       [](const Conv2D& op) { return op.out_channels; },
                       [&](const Add& op) { return of(op.a); },
                       [&](const Pad& op) { return of(op.input) + op.channels_before + op.channels_after; },
                       [&](const Concat& op) {
                         int sum = 0;
                         for (ValueId id : op.inputs) sum += of(id);
                         return sum;
                       },
                       [&](const auto& op) { return of(op.input); },
                   },
                   node.op));
  }
  return channels;
}

namespace {

std::vector<std::vector<ValueId>> ConsumersOf(const Graph& graph) {
  std::vector<std::vector<ValueId>> consumers(graph.nodes.size());
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    for (ValueId input : InputsOf(graph.nodes[i].op)) {
      consumers.at(static_cast<std::size_t>(input)).push_back(static_cast<ValueId>(i));
    }
  }
  return consumers;
}

class Placer {
 public:
  explicit Placer(const Graph& graph) : graph_(graph), channels_(ChannelCounts(graph)), consumers_(ConsumersOf(graph)) {
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
      placements_.push_back(Placement{static_cast<ValueId>(i), 0, channels_[i]});
    }
  }

  std::vector<Placement> Run() {
    for (std::size_t c = 0; c < graph_.nodes.size(); ++c) {
      const auto* concat = std::get_if<Concat>(&graph_.nodes[c].op);
      if (!concat) continue;
      int offset = 0;
      for (ValueId input : concat->inputs) {
        const auto i = static_cast<std::size_t>(input);
        if (CanWriteIntoSlice(input, *concat, static_cast<ValueId>(c))) {
          placements_[i] = Placement{static_cast<ValueId>(c), offset, channels_[c]};
        }
        offset += channels_[i];
      }
    }
    return std::move(placements_);
  }

 private:
  bool CanWriteIntoSlice(ValueId value, const Concat& concat, ValueId concat_id) const {
    const auto i = static_cast<std::size_t>(value);
    if (value == 0 || placements_[i].buffer != value || !WritesStrided(graph_.nodes[i].op)) return false;
    if (std::count(graph_.outputs.begin(), graph_.outputs.end(), value) > 0) return false;
    if (std::count(concat.inputs.begin(), concat.inputs.end(), value) != 1) return false;
    return std::all_of(consumers_[i].begin(), consumers_[i].end(), [&](ValueId consumer) {
      return consumer == concat_id || ReadsStrided(graph_.nodes[static_cast<std::size_t>(consumer)].op);
    });
  }

  const Graph& graph_;
  const std::vector<int> channels_;
  const std::vector<std::vector<ValueId>> consumers_;
  std::vector<Placement> placements_;
};

/// Steps are numbered like nodes; a value read by nobody still lives during its own step.
struct Lifetime {
  std::size_t first = 0, last = 0;
  bool Overlaps(const Lifetime& other) const { return first <= other.last && other.first <= last; }
};

std::size_t BufferBytes(const Shape& shape) {
  // XNNPACK may read XNN_EXTRA_BYTES past a tensor; 64-byte steps keep every buffer cache-line aligned.
  const std::size_t bytes = static_cast<std::size_t>(shape.Elements()) * sizeof(float) + XNN_EXTRA_BYTES;
  return (bytes + 63) / 64 * 64;
}

struct Block {
  std::size_t offset = 0, bytes = 0;
  Lifetime life;
};

/// The lowest offset where `bytes` fit between the blocks alive at the same time (first fit).
std::size_t FirstFit(std::vector<Block> alive, std::size_t bytes) {
  std::sort(alive.begin(), alive.end(), [](const Block& a, const Block& b) { return a.offset < b.offset; });
  std::size_t offset = 0;
  for (const Block& block : alive) {
    if (block.offset >= offset + bytes) break;
    offset = std::max(offset, block.offset + block.bytes);
  }
  return offset;
}

}  // namespace

std::vector<ValueId> InputsOf(const Op& op) {
  return std::visit(Overloaded{
                        [](const Input&) { return std::vector<ValueId>{}; },
                        [](const Add& add) {
                          return std::vector<ValueId>{add.a, add.b};
                        },
                        [](const Concat& concat) { return concat.inputs; },
                        [](const auto& unary) { return std::vector<ValueId>{unary.input}; },
                    },
                    op);
}

std::vector<Placement> PlaceValues(const Graph& graph) { return Placer(graph).Run(); }

MemoryPlan PlanMemory(const Graph& graph, const std::vector<Placement>& placements, const std::vector<Shape>& shapes) {
  const std::size_t count = graph.nodes.size();
  std::vector<std::size_t> last_read(count);
  std::iota(last_read.begin(), last_read.end(), std::size_t{0});
  for (std::size_t i = 0; i < count; ++i) {
    for (ValueId input : InputsOf(graph.nodes[i].op)) last_read.at(static_cast<std::size_t>(input)) = i;
  }
  for (ValueId output : graph.outputs) last_read.at(static_cast<std::size_t>(output)) = count;

  // A buffer lives from its first writer to its last reader, over every value placed in it.
  std::vector<Lifetime> lives(count, Lifetime{count, 0});
  for (std::size_t i = 0; i < count; ++i) {
    Lifetime& life = lives[static_cast<std::size_t>(placements[i].buffer)];
    life.first = std::min(life.first, i);
    life.last = std::max(life.last, last_read[i]);
  }
  std::vector<std::size_t> owners;
  for (std::size_t i = 0; i < count; ++i) {
    if (placements[i].buffer == static_cast<ValueId>(i)) owners.push_back(i);
  }
  // Largest first: the classic greedy arena planner, close to optimal on chain-like networks.
  std::stable_sort(owners.begin(), owners.end(),
                   [&](std::size_t a, std::size_t b) { return BufferBytes(shapes[a]) > BufferBytes(shapes[b]); });
  MemoryPlan plan;
  plan.offsets.assign(count, 0);
  std::vector<Block> placed;
  for (std::size_t owner : owners) {
    const Block block{0, BufferBytes(shapes[owner]), lives[owner]};
    std::vector<Block> alive;
    std::copy_if(placed.begin(), placed.end(), std::back_inserter(alive),
                 [&](const Block& other) { return other.life.Overlaps(block.life); });
    plan.offsets[owner] = FirstFit(std::move(alive), block.bytes);
    placed.push_back(Block{plan.offsets[owner], block.bytes, block.life});
    plan.arena_bytes = std::max(plan.arena_bytes, plan.offsets[owner] + block.bytes);
  }
  return plan;
}

}  // namespace faceloop::detect::nn
