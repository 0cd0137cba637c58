// libFuzzer target: S3 answer bodies as they come from the network (ListObjectsV2 pages and the
// <Code> of error answers).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.hpp"
#include "storage/s3/list_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)faceloop::storage::S3ErrorCode(body);  // never throws
  try {
    (void)faceloop::storage::ParseListObjectsV2(body);
  } catch (const faceloop::Error&) {
  }
  return 0;
}
