#pragma once
// Everything HttpServer can be told: threads, deadlines, limits and the hooks the service plugs in
// (request ids, error bodies, the access log). The defaults are safe for a public listener.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "http/server/message.hpp"

namespace faceloop::http {

struct ServerOptions {
  /// Threads that own the sockets (parse, write); handlers never run on them.
  int io_threads = 1;
  /// Threads that run route handlers (they may block on the database); 0: 2 x hardware threads.
  int handler_threads = 0;

  /// From the first byte of a request to the end of its head. One deadline, not per read: a client
  /// trickling a byte a second is cut when it expires (408).
  std::chrono::milliseconds head_timeout{std::chrono::seconds(10)};
  /// From the first byte of a request to the end of its body (408).
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
  /// While a body arrives, the longest pause between two reads (408): a stalled upload is cut long
  /// before request_timeout.
  std::chrono::milliseconds body_idle_timeout{std::chrono::seconds(10)};
  /// How long a keep-alive connection may wait for the first byte of its next request.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(5)};
  /// For writing one response; a client that does not read is cut when it expires.
  std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};
  /// After a response that closes the connection, how long unread input is drained so the client
  /// sees the response rather than a reset.
  std::chrono::milliseconds linger_timeout{std::chrono::seconds(2)};
  /// Stop(): how long requests in flight may take before their connections are closed anyway.
  std::chrono::milliseconds stop_grace{std::chrono::seconds(10)};
  std::size_t max_requests_per_connection = 1000;

  /// Request line + header fields + the blank line; beyond it: 431 and the connection closed.
  std::size_t max_header_bytes = 16 * 1024;
  /// Beyond it: 413, decided from Content-Length before the body is read, or while a chunked body
  /// arrives. The service passes its image limit plus multipart overhead.
  std::uint64_t max_body_bytes = 20u * 1024 * 1024 + 64 * 1024;
  /// Connections over either limit are answered 503 and closed at once.
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_ip = 128;

  /// Request.request_id and X-Request-Id; called on I/O threads. Default: a process-wide counter.
  std::function<std::string()> new_request_id;
  /// The body of every error the engine answers itself (400, 404, 405, 408, 413, 431, 500, 503,
  /// ...); `detail` never carries exception text. Called on any thread. Default: text/plain.
  std::function<Response(int status, const std::string& detail)> error_response;
  /// Runs on every request once its head is parsed, before it is routed, on an I/O thread: keep it
  /// cheap (the service derives client_addr from X-Forwarded-For). The body has not arrived yet. A
  /// faceloop::Error it throws answers the error's status with its message.
  std::function<void(Request& request)> prepare;
  /// Called once per answered request, after its response is written (or the write failed), on an
  /// I/O thread: keep it cheap (access log, metrics). `seconds` runs from the request's first byte.
  std::function<void(const Request& request, const Response& response, double seconds)> on_complete;
};

}  // namespace faceloop::http
