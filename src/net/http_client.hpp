#pragma once
// The one HTTP client of faceloop (S3, OpenSearch, later webhooks): a request/response API over
// libcurl with pooled connections, timeouts, retries with exponential backoff and full jitter for
// requests that may run twice, and one rule that turns failures into faceloop::Error
// (http_status.hpp). Callers build requests; they never touch libcurl.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace faceloop::net {

struct Header {
  std::string name;
  std::string value;
};
using Headers = std::vector<Header>;

struct HttpRequest {
  std::string method = "GET";
  /// Absolute http(s) URL, already percent-encoded. It appears in error messages (without its
  /// query), so it must not carry credentials: those go in HttpClientOptions or a header.
  std::string url;
  Headers headers;
  /// Not owned: must stay valid until Send returns (a retry sends it again).
  std::span<const std::uint8_t> body;
  /// Whether running it twice is harmless, which allows retries after it may have reached the server.
  /// Unset: by method (GET, HEAD, PUT, DELETE and OPTIONS are, RFC 9110 9.2.2; POST is not).
  std::optional<bool> idempotent;
  /// Names the operation in error messages, e.g. "S3 PUT /bucket/key"; "" for "HTTP <method>".
  std::string what;
};

struct HttpResponse {
  long status = 0;
  /// The headers of the final answer (not of a "100 Continue" before it), in the order received.
  Headers headers;
  std::vector<std::uint8_t> body;
  bool truncated = false;  ///< the body was longer than HttpClientOptions::max_response_bytes

  /// The value of the first header called `name` (case-insensitive), if any.
  std::optional<std::string> Find(std::string_view name) const;
  std::string_view text() const { return {reinterpret_cast<const char*>(body.data()), body.size()}; }
};

struct RetryPolicy {
  int max_attempts = 3;  ///< tries in all; 1 for none
  /// The n-th retry waits a random time in [0, min(max_delay, base_delay * 2^(n-1))] ("full jitter":
  /// clients that failed together do not come back together).
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds max_delay{2000};
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds timeout{30000};  ///< one attempt, connecting and body included
  bool verify_peer = true;                   ///< TLS certificate and host name (https only)
  std::string ca_file;                       ///< PEM bundle instead of the system's; "" for the system's
  std::string username;                      ///< HTTP basic auth when not empty; never in messages
  std::string password;
  RetryPolicy retry;
  /// The most body bytes kept of an answer; 0 for no limit. Past it the transfer stops and the
  /// answer is returned with the bytes read so far and `truncated` set: a receiver we do not run
  /// (a webhook) must not make us read without end.
  std::size_t max_response_bytes = 0;
};

/// Safe to call from several threads at once: each Send borrows a handle from a pool, and a handle
/// keeps its connections open between requests (no TCP or TLS handshake per request).
class HttpClient {
 public:
  /// Throws Error(kBadRequest) on invalid options (timeouts <= 0, attempts < 1, negative delays).
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends `request`, retrying transient failures (see RetryPolicy): a broken connection or a timeout
  /// when the request is idempotent (or never reached the server), and the statuses of
  /// IsRetryableStatus when it is idempotent. Returns the last answer whatever its status: what a
  /// status means is the caller's (see StatusError). Throws Error (ErrorCodeForTransfer, mostly
  /// kUnavailable) when no answer came back, naming `what`, method and URL (without query).
  HttpResponse Send(const HttpRequest& request);

 private:
  class HandlePool;

  const HttpClientOptions options_;
  std::unique_ptr<HandlePool> handles_;
};

/// The delay before retry number `retry` (1 for the first) under full jitter, from a uniformly
/// random 64-bit `random`.
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry, std::uint64_t random);

/// The bytes of `text`, for a request body.
inline std::span<const std::uint8_t> AsBytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

/// Whether the method is idempotent by RFC 9110 (GET, HEAD, PUT, DELETE, OPTIONS).
bool IsIdempotentMethod(std::string_view method);

}  // namespace faceloop::net
