#pragma once
// A deliberately dumb HTTP client on a raw socket, so tests can send exactly the bytes they mean
// (malformed, slow, pipelined) and see exactly what comes back.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faceloop::http::testing {

using namespace std::chrono_literals;

struct RawResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// The first header called `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

class RawClient {
 public:
  /// Connects to 127.0.0.1:port, from `source_ip` when given (any 127/8 address is loopback).
  explicit RawClient(int port, const char* source_ip = nullptr);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  /// Sends every byte (blocking); false when the connection is gone.
  bool Send(std::string_view bytes);
  /// One response; nullopt on timeout or when the connection closes first. `head_request`: the
  /// response to HEAD has a Content-Length but no body.
  std::optional<RawResponse> Read(std::chrono::milliseconds timeout = 5s, bool head_request = false);
  /// Whether the server closed the connection (EOF or reset) within `timeout`; bytes that arrive
  /// before are kept in the buffer.
  bool WaitClosed(std::chrono::milliseconds timeout = 5s);
  /// Bytes received but not yet parsed into a response.
  const std::string& pending() const { return buffer_; }
  int fd() const { return fd_; }
  /// The client side's local port (to find the server's end of this connection).
  int local_port() const;

 private:
  /// Receives more into buffer_ until `deadline`; false on timeout, EOF or error.
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  bool closed_ = false;
  std::string buffer_;
};

/// "GET <path> HTTP/1.1" with a Host and optional extra header lines (each ending in \r\n).
std::string Get(std::string_view path, std::string_view extra = "");
/// A POST with a Content-Length body.
std::string Post(std::string_view path, std::string_view body, std::string_view extra = "");

/// This process's resident set size in KiB (VmRSS of /proc/self/status).
long ResidentKiB();

}  // namespace faceloop::http::testing
