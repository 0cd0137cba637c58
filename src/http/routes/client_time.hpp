#pragma once
// The record time of a detect request: the server clock, or, for replays and drift tests only,
// the client's X-Faceloop-Received-At header. Trusting it in production would let any client
// date its requests into another period (and so into another drift window or history page).
#include <chrono>

#include "http/server/message.hpp"

namespace faceloop::http {

inline constexpr const char* kReceivedAtHeader = "X-Faceloop-Received-At";

/// `now` without the header. With it: its RFC 3339 UTC time when `allowed`
/// (testing.allow_client_time), else Error(kForbidden) naming the header and the setting; a
/// malformed time is Error(kUnprocessable) naming the header.
std::chrono::system_clock::time_point ReceivedAt(const Request& request, bool allowed,
                                                 std::chrono::system_clock::time_point now);

}  // namespace faceloop::http
