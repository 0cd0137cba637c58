#pragma once
// Reads a TensorFlow.js graph model (model.json + weight shards, as published on npm) and builds an
// OpenCV DNN network from it with OpenCV's layer API. Only the ops that the supported detectors use
// are translated; anything else fails loudly with the op's name.
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/dnn.hpp>

namespace faceloop::detect {

/// A constant tensor from the weight manifest, as float32 whatever its stored dtype.
struct TfjsTensor {
  std::vector<int> shape;
  std::vector<float> values;
};

// clang-tidy 14 reads a throw into nlohmann::json's noexcept move constructor, so every struct
// holding a json gets this false positive.
struct TfjsNode {  // NOLINT(bugprone-exception-escape)
  std::string name;
  std::string op;
  std::vector<std::string> inputs;  // producer node names (":0" suffixes and control inputs dropped)
  nlohmann::json attr;
};

struct TfjsGraph {
  std::vector<TfjsNode> nodes;
  std::unordered_map<std::string, TfjsTensor> constants;
};

/// Parses model.json and its weight files. Throws faceloop::Error on malformed or truncated files.
TfjsGraph LoadTfjsGraph(const std::filesystem::path& model_json);

struct TfjsNet {
  cv::dnn::Net net;
  std::vector<std::string> output_layers;  // layer names to forward(), in the order asked for
};

/// Builds a network computing `outputs` (node names) from the graph's single NHWC float input, as an
/// NCHW network. Spatial sizes are left free: the network runs at any input size the strides allow.
TfjsNet BuildOpenCvNet(const TfjsGraph& graph, const std::vector<std::string>& outputs);

}  // namespace faceloop::detect
