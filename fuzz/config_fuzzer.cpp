// libFuzzer target: a TOML configuration file (operators' input, but parsed with our own checks).
// faceloop::Error is the expected rejection; anything else is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.hpp"
#include "service/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  faceloop::service::Config config;
  try {
    faceloop::service::ApplyToml(config, std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml");
  } catch (const faceloop::Error&) {
  }
  return 0;
}
