#include "detect/import/tfjs_graph.hpp"

#include <fstream>

#include "common/error.hpp"
#include "detect/runtime/tfjs_net_builder.hpp"

namespace faceloop::detect {

std::unordered_map<std::string, TfjsTensor> LoadTfjsWeights(const std::filesystem::path& dir,
                                                            const nlohmann::json& manifest);

namespace {

/// "name:1" -> "name"; control inputs ("^name") are dropped by the caller.
std::string ProducerName(const std::string& input) { return input.substr(0, input.find(':')); }

TfjsNode ParseNode(const nlohmann::json& json) {
  TfjsNode node;
  node.name = json.at("name");
  node.op = json.at("op");
  node.attr = json.value("attr", nlohmann::json::object());
  for (const auto& input : json.value("input", nlohmann::json::array())) {
    const std::string name = input.get<std::string>();
    if (!name.empty() && name[0] != '^') node.inputs.push_back(ProducerName(name));
  }
  return node;
}

}  // namespace

TfjsGraph LoadTfjsGraph(const std::filesystem::path& model_json) {
  std::ifstream in(model_json);
  if (!in) throw Error(ErrorCode::kInternal, "cannot open model " + model_json.string());
  try {
    const nlohmann::json json = nlohmann::json::parse(in);
    TfjsGraph graph;
    for (const auto& node : json.at("modelTopology").at("node")) graph.nodes.push_back(ParseNode(node));
    graph.constants = LoadTfjsWeights(model_json.parent_path(), json.at("weightsManifest"));
    return graph;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInternal, "malformed model " + model_json.string() + ": " + e.what());
  }
}

TfjsNet BuildOpenCvNet(const TfjsGraph& graph, const std::vector<std::string>& outputs) {
  TfjsNetBuilder builder(graph);
  return builder.Build(outputs);
}

}  // namespace faceloop::detect
