#pragma once
// Client addresses in request records, optionally truncated (privacy.truncate_client_ip): enough
// to see networks and abuse patterns, not to identify a household.
#include <string>
#include <string_view>

namespace faceloop::http {

/// IPv4: the /24 ("203.0.113.77" -> "203.0.113.0"); IPv6: the /48 ("2001:db8:1:2::5" ->
/// "2001:db8:1::"). Anything else (not an address) becomes "".
std::string TruncateIp(std::string_view address);

}  // namespace faceloop::http
