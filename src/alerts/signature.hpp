#pragma once
// The webhook signature: HMAC-SHA256 with the rule's secret over "<timestamp>.<body>", sent as
//   X-Faceloop-Timestamp: <Unix seconds>
//   X-Faceloop-Signature: sha256=<64 lowercase hex digits>
// A receiver recomputes it and refuses old timestamps (replays).
#include <string>
#include <string_view>

namespace faceloop::alerts {

/// "sha256=<hex>" of HMAC-SHA256(secret, timestamp + "." + body).
std::string Sign(std::string_view secret, std::string_view timestamp, std::string_view body);

/// A new random secret (32 bytes, hex) for a rule given none.
std::string NewSecret();

}  // namespace faceloop::alerts
