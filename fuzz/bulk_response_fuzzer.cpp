// libFuzzer target: OpenSearch _bulk answers as they come from the network.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "search/opensearch_sink.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string> sent = {"a", "b", "c"};
  faceloop::search::BulkResult result;
  try {
    faceloop::search::ReadBulkResponse(std::string_view(reinterpret_cast<const char*>(data), size), sent, result);
  } catch (const faceloop::Error&) {
  }
  return 0;
}
