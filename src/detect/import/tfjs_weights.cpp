// Weight manifest decoding for TensorFlow.js graph models: float32, int32 and the float16 / uint8
// quantized encodings that tfjs-converter writes.
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

#include "common/error.hpp"
#include "detect/import/tfjs_graph.hpp"

namespace faceloop::detect {
namespace {

float HalfToFloat(std::uint16_t half) {
  const std::uint32_t sign = (half & 0x8000u) << 16;
  std::uint32_t exponent = (half >> 10) & 0x1f;
  std::uint32_t mantissa = half & 0x3ffu;
  std::uint32_t bits = 0;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);  // inf / nan
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa != 0) {  // subnormal: renormalise
    exponent = 113;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      --exponent;
    }
    bits = sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13);
  } else {
    bits = sign;
  }
  float out = 0;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

std::vector<char> ReadShards(const std::filesystem::path& dir, const nlohmann::json& paths) {
  std::vector<char> bytes;
  for (const auto& name : paths) {
    std::ifstream in(dir / name.get<std::string>(), std::ios::binary);
    if (!in) throw Error(ErrorCode::kInternal, "cannot read weight shard " + (dir / name.get<std::string>()).string());
    bytes.insert(bytes.end(), std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return bytes;
}

template <typename T>
T ReadAt(const std::vector<char>& bytes, std::size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

/// Decodes one tensor starting at `offset`; returns the number of bytes it used.
std::size_t DecodeTensor(const nlohmann::json& spec, const std::vector<char>& bytes, std::size_t offset,
                         TfjsTensor& tensor) {
  std::size_t count = 1;
  for (const auto& dim : spec.at("shape")) {
    tensor.shape.push_back(dim.get<int>());
    count *= static_cast<std::size_t>(dim.get<int>());
  }
  const std::string dtype = spec.at("dtype");
  std::string stored = dtype;
  if (spec.contains("quantization")) stored = spec["quantization"].at("dtype");
  const std::size_t width = stored == "float16" ? 2 : (stored == "uint8" ? 1 : 4);
  if (offset + count * width > bytes.size()) {
    throw Error(ErrorCode::kInternal, "weight file too short for tensor " + spec.at("name").get<std::string>());
  }
  tensor.values.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = offset + i * width;
    if (stored == "float16") {
      tensor.values[i] = HalfToFloat(ReadAt<std::uint16_t>(bytes, at));
    } else if (stored == "uint8") {
      const auto& q = spec["quantization"];
      tensor.values[i] =
          q.at("min").get<float>() + q.at("scale").get<float>() * static_cast<float>(ReadAt<std::uint8_t>(bytes, at));
    } else if (stored == "int32") {
      tensor.values[i] = static_cast<float>(ReadAt<std::int32_t>(bytes, at));
    } else if (stored == "float32") {
      tensor.values[i] = ReadAt<float>(bytes, at);
    } else {
      throw Error(ErrorCode::kInternal, "unsupported weight dtype " + stored);
    }
  }
  return count * width;
}

}  // namespace

std::unordered_map<std::string, TfjsTensor> LoadTfjsWeights(const std::filesystem::path& dir,
                                                            const nlohmann::json& manifest) {
  std::unordered_map<std::string, TfjsTensor> constants;
  for (const auto& group : manifest) {
    const std::vector<char> bytes = ReadShards(dir, group.at("paths"));
    std::size_t offset = 0;
    for (const auto& spec : group.at("weights")) {
      TfjsTensor tensor;
      offset += DecodeTensor(spec, bytes, offset, tensor);
      constants.emplace(spec.at("name").get<std::string>(), std::move(tensor));
    }
  }
  return constants;
}

}  // namespace faceloop::detect
