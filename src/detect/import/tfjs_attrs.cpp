#include "detect/import/tfjs_attrs.hpp"

#include <string_view>

#include "common/error.hpp"

namespace faceloop::detect {
namespace {

std::string DecodeBase64(std::string_view text) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    const auto value = kAlphabet.find(c);
    if (value == std::string_view::npos) break;  // '=' padding ends the data
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

}  // namespace

std::string StringAttr(const TfjsNode& node, const std::string& key) {
  if (!node.attr.contains(key)) return {};
  return DecodeBase64(node.attr[key].value("s", std::string()));
}

std::vector<std::string> StringListAttr(const TfjsNode& node, const std::string& key) {
  std::vector<std::string> values;
  if (!node.attr.contains(key)) return values;
  for (const auto& s : node.attr[key]["list"].value("s", nlohmann::json::array())) {
    values.push_back(DecodeBase64(s.get<std::string>()));
  }
  return values;
}

bool BoolAttr(const TfjsNode& node, const std::string& key) {
  return node.attr.contains(key) && node.attr[key].value("b", false);
}

float FloatAttr(const TfjsNode& node, const std::string& key, float fallback) {
  return node.attr.contains(key) ? node.attr[key].value("f", fallback) : fallback;
}

HeightWidth SpatialPair(const TfjsNode& node, const std::string& key) {
  if (!node.attr.contains(key)) return {};
  const auto& list = node.attr[key]["list"]["i"];
  if (list.size() != 4) throw Error(ErrorCode::kInternal, "tfjs model: " + node.name + ": expected 4 values in " + key);
  return {std::stoi(list[1].get<std::string>()), std::stoi(list[2].get<std::string>())};
}

}  // namespace faceloop::detect
