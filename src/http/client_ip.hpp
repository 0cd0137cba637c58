#pragma once
// Who the client is, as far as an address tells: the peer, or (behind trusted reverse proxies) the
// address they report in X-Forwarded-For. Optionally truncated in records (privacy.truncate_client_ip):
// enough to see networks and abuse patterns, not to identify a household.
#include <string>
#include <string_view>
#include <vector>

namespace faceloop::http {

/// IPv4: the /24 ("203.0.113.77" -> "203.0.113.0"); IPv6: the /48 ("2001:db8:1:2::5" ->
/// "2001:db8:1::"). Anything else (not an address) becomes "".
std::string TruncateIp(std::string_view address);

/// Addresses and networks ("10.0.0.0/8", "::1") whose X-Forwarded-For is believed.
class TrustedProxies {
 public:
  /// Throws Error(kBadRequest) naming an entry that is not an address or CIDR network.
  explicit TrustedProxies(const std::vector<std::string>& entries);
  bool Contains(std::string_view address) const;

  /// The client: the peer, unless it is trusted; then the right-most address of X-Forwarded-For
  /// that is not a trusted proxy (the left part is whatever the client claimed). Malformed entries
  /// stop the walk at the last good address.
  std::string ClientAddress(std::string_view peer, std::string_view x_forwarded_for) const;

 private:
  struct Network {
    int family;
    unsigned char bytes[16];
    int prefix;
  };
  std::vector<Network> networks_;
};

}  // namespace faceloop::http
