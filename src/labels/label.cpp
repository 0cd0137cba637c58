#include "labels/label.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace faceloop::labels {

std::string_view ToString(Source source) { return source == Source::kCoco ? "coco" : "labelstudio"; }

Source ParseSource(std::string_view text, std::string_view field) {
  if (text == "labelstudio") return Source::kLabelStudio;
  if (text == "coco") return Source::kCoco;
  throw Error(ErrorCode::kUnprocessable, std::string(field) + " must be labelstudio or coco");
}

namespace {

void InitSodium() {
  static const bool ready = sodium_init() >= 0;  // thread-safe and idempotent; once per process
  if (!ready) throw Error(ErrorCode::kInternal, "libsodium initialization failed");
}

std::string Hex(const std::array<unsigned char, crypto_hash_sha256_BYTES>& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (const unsigned char byte : digest) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 15];
  }
  return hex;
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  InitSodium();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return Hex(digest);
}

std::string Sha256HexOf(std::istream& in) {
  InitSodium();
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::array<char, 64 * 1024> block{};
  while (in.read(block.data(), block.size()) || in.gcount() > 0) {
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(block.data()),
                              static_cast<unsigned long long>(in.gcount()));
  }
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_final(&state, digest.data());
  return Hex(digest);
}

std::string ContentVersion(const std::vector<LabelBox>& boxes) {
  // Sorted and rounded to 1/100 pixel: the same boxes in another order, or re-computed from percent
  // with another rounding, are the same label.
  auto key = [](const LabelBox& b) {
    const auto r = [](double v) { return static_cast<std::int64_t>(std::llround(v * 100)); };
    return std::make_tuple(r(b.x), r(b.y), r(b.width), r(b.height), b.ignore);
  };
  std::vector<decltype(key(LabelBox{}))> keys;
  keys.reserve(boxes.size());
  for (const LabelBox& box : boxes) keys.push_back(key(box));
  std::sort(keys.begin(), keys.end());
  nlohmann::json canonical = nlohmann::json::array();
  for (const auto& [x, y, w, h, ignore] : keys) canonical.push_back({x, y, w, h, ignore});
  return Sha256Hex(canonical.dump());
}

}  // namespace faceloop::labels
