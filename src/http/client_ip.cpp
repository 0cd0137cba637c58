#include "http/client_ip.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstring>
#include <exception>

#include "common/error.hpp"

namespace faceloop::http {

std::string TruncateIp(std::string_view address) {
  const std::string text(address);
  std::array<unsigned char, 16> bytes{};
  std::array<char, INET6_ADDRSTRLEN> out{};
  if (::inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) {
    bytes[3] = 0;
    return ::inet_ntop(AF_INET, bytes.data(), out.data(), out.size()) ? out.data() : "";
  }
  if (::inet_pton(AF_INET6, text.c_str(), bytes.data()) == 1) {
    std::memset(bytes.data() + 6, 0, 10);
    return ::inet_ntop(AF_INET6, bytes.data(), out.data(), out.size()) ? out.data() : "";
  }
  return "";
}

}  // namespace faceloop::http

namespace faceloop::http {
namespace {

/// Parses an address into `bytes`; returns its family (AF_INET, AF_INET6) or 0.
int ParseAddress(std::string_view text, unsigned char* bytes) {
  // inet_pton reads up to the first NUL: "10.0.0.9\0junk" would pass as an address and the junk
  // would reach the record.
  if (text.find('\0') != std::string_view::npos) return 0;
  const std::string copy(text);
  if (::inet_pton(AF_INET, copy.c_str(), bytes) == 1) return AF_INET;
  if (::inet_pton(AF_INET6, copy.c_str(), bytes) == 1) return AF_INET6;
  return 0;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

TrustedProxies::TrustedProxies(const std::vector<std::string>& entries) {
  for (const std::string& entry : entries) {
    const std::size_t slash = entry.find('/');
    Network network{};
    network.family = ParseAddress(std::string_view(entry).substr(0, slash), network.bytes);
    const int bits = network.family == AF_INET ? 32 : 128;
    network.prefix = bits;
    if (slash != std::string::npos) {
      try {
        std::size_t used = 0;
        network.prefix = std::stoi(entry.substr(slash + 1), &used);
        if (used != entry.size() - slash - 1) network.prefix = -1;
      } catch (const std::exception&) {
        network.prefix = -1;
      }
    }
    if (network.family == 0 || network.prefix < 0 || network.prefix > bits) {
      throw Error(ErrorCode::kBadRequest, "trusted proxy '" + entry + "' is not an address or CIDR network");
    }
    networks_.push_back(network);
  }
}

bool TrustedProxies::Contains(std::string_view address) const {
  unsigned char bytes[16];
  const int family = ParseAddress(address, bytes);
  for (const Network& network : networks_) {
    if (network.family != family) continue;
    const int whole = network.prefix / 8, rest = network.prefix % 8;
    if (std::memcmp(bytes, network.bytes, static_cast<std::size_t>(whole)) != 0) continue;
    const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
    if (rest == 0 || (bytes[whole] & mask) == (network.bytes[whole] & mask)) return true;
  }
  return false;
}

std::string TrustedProxies::ClientAddress(std::string_view peer, std::string_view x_forwarded_for) const {
  std::string client(peer);
  if (!Contains(client)) return client;
  while (!x_forwarded_for.empty()) {
    const std::size_t comma = x_forwarded_for.rfind(',');
    const std::string_view hop =
        Trim(comma == std::string_view::npos ? x_forwarded_for : x_forwarded_for.substr(comma + 1));
    unsigned char bytes[16];
    if (ParseAddress(hop, bytes) == 0) break;
    client = std::string(hop);
    if (!Contains(client)) break;
    x_forwarded_for = comma == std::string_view::npos ? std::string_view() : x_forwarded_for.substr(0, comma);
  }
  return client;
}

}  // namespace faceloop::http
