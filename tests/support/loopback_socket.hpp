#pragma once
// A TCP socket bound to a free port on 127.0.0.1 for the test's lifetime. Not listening, it stands
// for a server that is down (connections are refused); listening, for one that never answers (the
// kernel accepts, nobody reads). The port stays bound either way, so no other process running
// tests at the same time can be handed it meanwhile.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace faceloop::testing {

class LoopbackSocket {
 public:
  explicit LoopbackSocket(bool listen) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0 || (listen && ::listen(fd_, 8) != 0)) {
      if (fd_ >= 0) ::close(fd_);
      throw std::runtime_error("could not set up a loopback socket");
    }
    port_ = ntohs(address.sin_port);
  }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;
  ~LoopbackSocket() { ::close(fd_); }
  int port() const { return port_; }
  /// "SCHEME://127.0.0.1:PORT", the endpoint a client under test is pointed at.
  std::string url(std::string_view scheme) const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(port_);
  }

 private:
  int fd_;
  int port_ = 0;
};

}  // namespace faceloop::testing
