// libFuzzer target: a TOML configuration file (operators' input, but parsed with our own checks).
// faceloop::Error is the expected rejection; anything else is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.hpp"
#include "http/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  faceloop::http::Config config;
  try {
    faceloop::http::ApplyToml(config, std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml");
  } catch (const faceloop::Error&) {
  }
  return 0;
}
