#include "alerts/url_policy.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>

#include "common/error.hpp"

namespace faceloop::alerts {
namespace {

[[noreturn]] void Refuse(const std::string& why) { throw Error(ErrorCode::kUnprocessable, "webhook_url: " + why); }

std::optional<std::vector<unsigned char>> ParseAddress(const std::string& text) {
  unsigned char bytes[16] = {};
  if (::inet_pton(AF_INET, text.c_str(), bytes) == 1) return std::vector<unsigned char>(bytes, bytes + 4);
  if (::inet_pton(AF_INET6, text.c_str(), bytes) == 1) return std::vector<unsigned char>(bytes, bytes + 16);
  return std::nullopt;
}

bool InPrefix(const std::vector<unsigned char>& address, const std::vector<unsigned char>& network, int prefix) {
  if (address.size() != network.size()) return false;
  for (int bit = 0; bit < prefix; ++bit) {
    const auto at = static_cast<std::size_t>(bit / 8);
    const int mask = 0x80 >> (bit % 8);
    if ((address[at] & mask) != (network[at] & mask)) return false;
  }
  return true;
}

/// An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as its IPv4 address; others unchanged.
std::vector<unsigned char> Unmapped(const std::vector<unsigned char>& address) {
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (address.size() == 16 && std::memcmp(address.data(), kMapped, 12) == 0) {
    return {address.begin() + 12, address.end()};
  }
  return address;
}

bool Blocked(const std::vector<unsigned char>& address) {
  const std::vector<unsigned char>& a = address;
  if (a.size() == 4) {
    return a[0] == 127 || a[0] == 0 || (a[0] == 169 && a[1] == 254) || a[0] >= 224;  // loopback, this, link-local,
  }                                                                                  // multicast and reserved
  const bool unspecified_or_loopback = std::all_of(a.begin(), a.end() - 1, [](unsigned char b) { return b == 0; });
  const bool link_local = a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
  const bool multicast = a[0] == 0xff;
  const bool aws_metadata = a[0] == 0xfd && a[1] == 0x00 && a[2] == 0x0e && a[3] == 0xc2;  // fd00:ec2::/32
  return unspecified_or_loopback || link_local || multicast || aws_metadata;
}

std::vector<std::vector<unsigned char>> Resolve(const std::string& host) {
  if (auto literal = ParseAddress(host)) return {*literal};
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) Refuse("host " + host + " does not resolve");
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owner(found, &::freeaddrinfo);
  std::vector<std::vector<unsigned char>> addresses;
  for (const addrinfo* at = found; at != nullptr; at = at->ai_next) {
    if (at->ai_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(at->ai_addr);
      const auto* bytes = reinterpret_cast<const unsigned char*>(&in->sin_addr);
      addresses.emplace_back(bytes, bytes + 4);
    } else if (at->ai_family == AF_INET6) {
      const auto* in = reinterpret_cast<const sockaddr_in6*>(at->ai_addr);
      const auto* bytes = reinterpret_cast<const unsigned char*>(&in->sin6_addr);
      addresses.emplace_back(bytes, bytes + 16);
    }
  }
  return addresses;
}

}  // namespace

UrlPolicy::UrlPolicy(const std::vector<std::string>& allow) {
  for (const std::string& cidr : allow) {
    const std::size_t slash = cidr.find('/');
    const auto address = ParseAddress(cidr.substr(0, slash));
    const int bits = address ? static_cast<int>(address->size() * 8) : 0;
    int prefix = bits;
    if (address && slash != std::string::npos) {
      const std::string text = cidr.substr(slash + 1);
      prefix = text.empty() || text.size() > 3 || text.find_first_not_of("0123456789") != std::string::npos
                   ? -1
                   : std::stoi(text);
    }
    if (!address || prefix < 0 || prefix > bits) {
      throw Error(ErrorCode::kBadRequest, "config: alerts.webhook_allow: " + cidr + " is not an address or CIDR");
    }
    allow_.push_back({*address, prefix});
  }
}

std::string UrlPolicy::HostOf(const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") Refuse("must be an http or https URL");
  const std::size_t start = scheme_end + 3;
  const std::size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (authority.find('@') != std::string::npos) Refuse("must not carry credentials");
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) Refuse("has an unterminated IPv6 address");
    return authority.substr(1, close - 1);
  }
  std::string host = authority.substr(0, authority.find(':'));
  if (host.empty()) Refuse("has no host");
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) Refuse("must not contain spaces or control characters");
  }
  return host;
}

bool UrlPolicy::Allowed(const std::vector<unsigned char>& address) const {
  const std::vector<unsigned char> plain = Unmapped(address);
  for (const Network& network : allow_) {
    if (InPrefix(plain, network.address, network.prefix) || InPrefix(address, network.address, network.prefix)) {
      return true;
    }
  }
  return !Blocked(plain);
}

void UrlPolicy::Check(const std::string& url) const {
  const std::string host = HostOf(url);
  const auto addresses = Resolve(host);
  if (addresses.empty()) Refuse("host " + host + " has no address");
  for (const auto& address : addresses) {
    if (!Allowed(address)) {
      Refuse("host " + host + " is a loopback, link-local, metadata or multicast address (alerts.webhook_allow)");
    }
  }
}

}  // namespace faceloop::alerts
