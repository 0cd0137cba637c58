#include "http/client_ip.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstring>

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
