#pragma once
// Where webhooks may go. Only http(s) URLs; and, because the service calls them from inside the
// deployment, not addresses that reach the service's own host or the cloud's metadata service:
// loopback, link-local (169.254.0.0/16 holds the metadata address), unspecified and multicast, in
// IPv4, IPv6 and IPv4-mapped IPv6. Networks on the allow-list (alerts.webhook_allow, CIDR) are
// let through anyway (tests, an on-host receiver). A host name is resolved and every address it
// has is checked, when the rule is saved and again before each delivery.
#include <string>
#include <vector>

namespace faceloop::alerts {

class UrlPolicy {
 public:
  /// Throws Error(kBadRequest) naming a malformed network.
  explicit UrlPolicy(const std::vector<std::string>& allow);

  /// Error(kUnprocessable) "webhook_url: ..." unless `url` is an http(s) URL whose host's every
  /// address is allowed.
  void Check(const std::string& url) const;

  /// The scheme-checked host of an http(s) URL; Error(kUnprocessable) otherwise.
  static std::string HostOf(const std::string& url);

 private:
  struct Network {
    std::vector<unsigned char> address;  ///< 4 or 16 bytes
    int prefix = 0;
  };
  bool Allowed(const std::vector<unsigned char>& address) const;
  std::vector<Network> allow_;
};

}  // namespace faceloop::alerts
