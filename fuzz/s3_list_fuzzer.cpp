// libFuzzer target: ListObjectsV2 answers as they come from the network.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.hpp"
#include "storage/s3/list_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)faceloop::storage::ParseListObjectsV2(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const faceloop::Error&) {
  }
  return 0;
}
