// libFuzzer target: untrusted bytes through Decode and ComputeMetadata, as the HTTP handler does.
// faceloop::Error is how bad input is meant to be rejected; any other exception, a crash, a
// sanitizer report or a broken invariant of the result is a bug.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "common/error.hpp"
#include "detect/decode/decode.hpp"
#include "detect/decode/metadata.hpp"

namespace {

using faceloop::detect::DecodedImage;

/// Small limits keep each run fast and inside libFuzzer's default 2 GB RSS limit.
faceloop::detect::DecodeOptions FuzzOptions(int min_long_side) {
  faceloop::detect::DecodeOptions options;
  options.limits.max_bytes = 4u * 1024 * 1024;
  options.limits.max_pixels = 4'000'000;
  options.min_long_side = min_long_side;
  return options;
}

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

void CheckInvariants(const DecodedImage& image) {
  Check(image.rgb.type() == CV_8UC3 && !image.rgb.empty(), "rgb is non-empty 8-bit RGB");
  Check(image.width > 0 && image.height > 0, "upright size is positive");
  Check(std::int64_t{image.width} * image.height <= 4'000'000, "pixel limit held");
  Check(image.scale > 0 && image.scale <= 1, "scale in (0, 1]");
  // DCT scaling rounds up, so the decoded size is ceil(original * scale).
  Check(image.rgb.cols == static_cast<int>(std::ceil(image.width * image.scale)), "cols match");
  Check(image.rgb.rows == static_cast<int>(std::ceil(image.height * image.scale)), "rows match");
}

void DecodeOnce(std::span<const std::uint8_t> bytes, int min_long_side) {
  try {
    const DecodedImage image = faceloop::detect::Decode(bytes, FuzzOptions(min_long_side));
    CheckInvariants(image);
    (void)faceloop::detect::ComputeMetadata(image);
  } catch (const faceloop::Error&) {
    // Rejected input: the expected outcome for most mutations.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  DecodeOnce(bytes, 0);
  // DCT-scaled decoding takes other libjpeg code paths (reduced IDCTs); cover them too.
  if (faceloop::detect::SniffFormat(bytes) == faceloop::detect::ImageFormat::kJpeg) {
    DecodeOnce(bytes, 16);
  }
  return 0;
}
