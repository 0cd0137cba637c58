#include "http/server/raw_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "http/server/text.hpp"

namespace faceloop::http::testing {
namespace {

sockaddr_in Loopback(const char* ip, int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, ip, &address.sin_addr);
  return address;
}

std::optional<RawResponse> ParseHead(std::string_view head) {
  RawResponse response;
  const std::size_t line_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, line_end);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) return std::nullopt;
  response.status = std::stoi(std::string(status_line.substr(9, 3)));
  std::string_view rest = head.substr(line_end + 2);
  while (!rest.empty()) {
    const std::size_t end = rest.find("\r\n");
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    response.headers.emplace_back(std::string(line.substr(0, colon)), std::string(TrimSpaces(line.substr(colon + 1))));
  }
  return response;
}

}  // namespace

std::string RawResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoringCase(key, name)) return value;
  }
  return "";
}

bool RawResponse::HasHeader(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoringCase(key, name)) return true;
  }
  return false;
}

RawClient::RawClient(int port, const char* source_ip) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  if (source_ip != nullptr) {
    const sockaddr_in source = Loopback(source_ip, 0);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0) {
      ::close(fd_);
      throw std::runtime_error(std::string("bind: ") + std::strerror(errno));
    }
  }
  const sockaddr_in server = Loopback("127.0.0.1", port);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0) {
    ::close(fd_);
    throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
  }
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

bool RawClient::Fill(std::chrono::steady_clock::time_point deadline) {
  if (closed_) return false;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd poller{fd_, POLLIN, 0};
  if (::poll(&poller, 1, static_cast<int>(left.count())) <= 0) return false;
  char chunk[16384];
  const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
  if (got <= 0) {
    closed_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<std::size_t>(got));
  return true;
}

std::optional<RawResponse> RawClient::Read(std::chrono::milliseconds timeout, bool head_request) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(deadline)) return std::nullopt;
  }
  auto response = ParseHead(std::string_view(buffer_).substr(0, head_end));
  if (!response) return std::nullopt;
  const std::string length = response->Header("Content-Length");
  const std::size_t body_size = head_request || length.empty() ? 0 : std::stoul(length);
  const std::size_t total = head_end + 4 + body_size;
  while (buffer_.size() < total) {
    if (!Fill(deadline)) return std::nullopt;
  }
  response->body = buffer_.substr(head_end + 4, body_size);
  buffer_.erase(0, total);
  return response;
}

bool RawClient::WaitClosed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_ && std::chrono::steady_clock::now() < deadline) Fill(deadline);
  return closed_;
}

int RawClient::local_port() const {
  sockaddr_in address{};
  socklen_t size = sizeof address;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
  return ntohs(address.sin_port);
}

std::string Get(std::string_view path, std::string_view extra) {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra) + "\r\n";
}

std::string Post(std::string_view path, std::string_view body, std::string_view extra) {
  return "POST " + std::string(path) + " HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + std::string(extra) + "\r\n" + std::string(body);
}

long ResidentKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace faceloop::http::testing
