// libFuzzer target: spool records (JSON) as the shippers read them back after a crash, including
// the derived detect event and the search documents.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.hpp"
#include "events/records.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace faceloop::events;
  try {
    const Record record = ParseSpoolRecord(std::string_view(reinterpret_cast<const char*>(data), size));
    if (const auto* request = std::get_if<RequestRecord>(&record)) {
      (void)ToSpoolRecord(DetectEvent(*request));
      (void)ToSpoolRecord(*request);  // what the search index gets
    }
  } catch (const faceloop::Error&) {
    // The one way a bad record may be refused: the shippers count it as rejected and move on. Any
    // other exception would fail (and retry) a whole batch forever.
  }
  return 0;
}
