#include "datasets/dedup.hpp"

#include <bit>

#include <opencv2/imgproc.hpp>

#include "common/error.hpp"
#include "detect/decode/decode.hpp"

namespace faceloop::datasets {
namespace {

constexpr int kBits = 64;
/// A JPEG may be DCT-scaled down to this long side: 9x8 needs few pixels, decoding all is waste.
constexpr int kDecodeLongSide = 64;

}  // namespace

std::uint64_t DifferenceHash(std::span<const std::uint8_t> image_bytes) {
  detect::DecodeOptions options;
  options.min_long_side = kDecodeLongSide;
  const detect::DecodedImage image = detect::Decode(image_bytes, options);
  cv::Mat gray;
  cv::cvtColor(image.rgb, gray, cv::COLOR_RGB2GRAY);
  cv::Mat small;
  cv::resize(gray, small, cv::Size(9, 8), 0, 0, cv::INTER_AREA);
  std::uint64_t hash = 0;
  int bit = 0;
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 8; ++x, ++bit) {
      if (small.at<std::uint8_t>(y, x) > small.at<std::uint8_t>(y, x + 1)) hash |= std::uint64_t{1} << bit;
    }
  }
  return hash;
}

int HammingDistance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

NearDuplicateIndex::NearDuplicateIndex(int max_distance) : max_distance_(max_distance) {
  if (max_distance_ >= 0) bands_.resize(static_cast<std::size_t>(max_distance_) + 1);
}

std::uint64_t NearDuplicateIndex::Band(std::uint64_t hash, std::size_t band) const {
  // Bands of nearly equal width covering the 64 bits: [band * 64 / n, (band + 1) * 64 / n).
  const std::size_t n = bands_.size();
  const std::size_t lo = band * kBits / n;
  const std::size_t hi = (band + 1) * kBits / n;
  const std::uint64_t mask = hi - lo >= kBits ? ~std::uint64_t{0} : ((std::uint64_t{1} << (hi - lo)) - 1);
  return (hash >> lo) & mask;
}

bool NearDuplicateIndex::SeenOrAdd(std::uint64_t hash) {
  if (max_distance_ < 0) return false;
  for (std::size_t band = 0; band < bands_.size(); ++band) {
    const auto [first, last] = bands_[band].equal_range(Band(hash, band));
    for (auto it = first; it != last; ++it) {
      if (HammingDistance(hash, hashes_[it->second]) <= max_distance_) return true;
    }
  }
  const auto index = static_cast<std::uint32_t>(hashes_.size());
  hashes_.push_back(hash);
  for (std::size_t band = 0; band < bands_.size(); ++band) bands_[band].emplace(Band(hash, band), index);
  return false;
}

bool ContentIndex::SeenOrAdd(const std::string& sha256_hex) {
  if (sha256_hex.size() < 32) throw Error(ErrorCode::kInternal, "export: not a sha256");
  const std::pair<std::uint64_t, std::uint64_t> key{std::stoull(sha256_hex.substr(0, 16), nullptr, 16),
                                                    std::stoull(sha256_hex.substr(16, 16), nullptr, 16)};
  return !seen_.insert(key).second;
}

}  // namespace faceloop::datasets
