#pragma once
// De-duplication of an export's images: the same bytes (sha256) or the same picture (a 64-bit
// difference hash of the decoded image, so a re-encoded or slightly resized upload counts once).
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace faceloop::datasets {

/// dHash: the image decoded, to grayscale, resized (area average) to 9x8; bit i is set when a
/// pixel is brighter than its right neighbour. Throws faceloop::Error as detect::Decode does.
std::uint64_t DifferenceHash(std::span<const std::uint8_t> image_bytes);

/// Bits that differ.
int HammingDistance(std::uint64_t a, std::uint64_t b);

/// The hashes seen so far, answering "is there one within `max_distance`?" without comparing
/// with all of them: by the pigeonhole principle two hashes within d bits agree exactly on at
/// least one of d + 1 disjoint bands of bits, so each band is an exact-match index and only the
/// hashes sharing a band value are compared.
class NearDuplicateIndex {
 public:
  /// `max_distance` in 0..16; below 0 nothing is ever a near duplicate.
  explicit NearDuplicateIndex(int max_distance);

  /// Whether a hash within the distance was added before; if not, adds `hash`.
  bool SeenOrAdd(std::uint64_t hash);

 private:
  std::uint64_t Band(std::uint64_t hash, std::size_t band) const;

  int max_distance_;
  std::vector<std::uint64_t> hashes_;  ///< every hash added, once
  /// Per band: band value -> index into hashes_ (a multimap node per hash and band, no vectors:
  /// about 200 bytes per image in all at the default distance).
  std::vector<std::unordered_multimap<std::uint64_t, std::uint32_t>> bands_;
};

/// Exact duplicates: the sha256 of each image's bytes, kept as its first 128 bits (a collision of
/// two different images there is as unlikely as one of the whole hash, for any export's size).
class ContentIndex {
 public:
  /// Whether `sha256_hex` (64 hex digits) was added before; if not, adds it.
  bool SeenOrAdd(const std::string& sha256_hex);

 private:
  struct PairHash {
    std::size_t operator()(const std::pair<std::uint64_t, std::uint64_t>& p) const { return p.first ^ p.second; }
  };
  std::unordered_set<std::pair<std::uint64_t, std::uint64_t>, PairHash> seen_;
};

}  // namespace faceloop::datasets
