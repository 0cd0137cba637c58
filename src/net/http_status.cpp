#include "net/http_status.hpp"

#include <utility>

namespace faceloop::net {

ErrorCode ErrorCodeForStatus(long status) {
  if (status >= 500 || status == 408) return ErrorCode::kUnavailable;
  switch (status) {
    case 404: return ErrorCode::kNotFound;
    case 409: return ErrorCode::kConflict;
    case 413: return ErrorCode::kPayloadTooLarge;
    case 429: return ErrorCode::kTooManyRequests;
    default: return ErrorCode::kInternal;
  }
}

bool IsRetryableStatus(long status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

Error StatusError(long status, const std::string& message) { return Error(ErrorCodeForStatus(status), message); }

}  // namespace faceloop::net
