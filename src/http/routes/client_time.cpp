#include "http/routes/client_time.hpp"

#include <string>

#include "common/error.hpp"
#include "common/time.hpp"

namespace faceloop::http {

std::chrono::system_clock::time_point ReceivedAt(const Request& request, bool allowed,
                                                 std::chrono::system_clock::time_point now) {
  const std::string value(request.Header(kReceivedAtHeader));
  if (value.empty()) return now;
  if (!allowed) {
    // Refused rather than ignored: a replay against a production server must not pass silently
    // with every record dated now.
    throw Error(ErrorCode::kForbidden,
                std::string("header ") + kReceivedAtHeader + " is honoured only with testing.allow_client_time = true");
  }
  try {
    return ParseTimestamp(value);
  } catch (const Error& e) {
    throw Error(ErrorCode::kUnprocessable, std::string("header ") + kReceivedAtHeader + ": " + e.what());
  }
}

}  // namespace faceloop::http
