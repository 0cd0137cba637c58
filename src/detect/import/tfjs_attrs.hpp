#pragma once
// Typed access to the attributes of tfjs graph nodes (TensorFlow AttrValue protos as JSON: strings
// base64-encoded, integers as decimal strings).
#include <string>
#include <vector>

#include "detect/import/tfjs_graph.hpp"

namespace faceloop::detect {

/// A spatial pair read from an NHWC list attribute such as strides ["1","2","2","1"].
struct HeightWidth {
  int height = 1;
  int width = 1;
};

/// The decoded string attribute `key`, or "" when absent.
std::string StringAttr(const TfjsNode& node, const std::string& key);
/// The decoded string list attribute `key` (e.g. fused_ops), or empty when absent.
std::vector<std::string> StringListAttr(const TfjsNode& node, const std::string& key);
bool BoolAttr(const TfjsNode& node, const std::string& key);
/// The float attribute `key`, or `fallback` when absent.
float FloatAttr(const TfjsNode& node, const std::string& key, float fallback);
/// {h, w} of a 4-value NHWC int list; {1, 1} when absent. Throws faceloop::Error(kInternal) otherwise.
HeightWidth SpatialPair(const TfjsNode& node, const std::string& key);

}  // namespace faceloop::detect
