#pragma once
// The HTTP/1.1 server engine: event-driven (Boost.Asio), so an idle or slow connection costs a
// socket and a few hundred bytes, never a thread. A few I/O threads own the sockets; route handlers
// run on a separate pool and may answer later from any thread through their Reply. TLS is not here:
// deployments terminate it in a proxy in front.
//
//   Router router;
//   router.Add("GET", "/healthz", SyncHandler(...));
//   HttpServer server(ServerOptions{}, router);
//   const int port = server.Bind("127.0.0.1", 0);
//   std::thread io([&] { server.Run(); });
//   ...
//   server.Stop();  // from any thread (a signal-waiting one; not from inside a signal handler)
//   io.join();
#include <memory>
#include <string>

#include "http/server/router.hpp"
#include "http/server/server_options.hpp"

namespace faceloop::http {

class HttpServer {
 public:
  /// `router` must outlive the server and not change while it runs (handlers run until the
  /// destructor returns).
  HttpServer(ServerOptions options, const Router& router);
  /// Joins the handler threads. Call Stop() and let Run() return first. Replies arriving later
  /// (from a pool that outlives the server) are dropped.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Listens on host:port (SO_REUSEADDR); port 0 picks a free port. Returns the bound port. Throws
  /// Error(kInternal) when the address cannot be resolved or bound.
  int Bind(const std::string& host, int port);
  /// Serves until Stop(): runs the I/O threads (this one among them) and returns once every
  /// connection is closed. Throws Error(kInternal) without a prior Bind.
  void Run();
  /// Thread-safe and idempotent, but not async-signal-safe. Stops accepting, closes idle connections, lets requests in
  /// flight finish (their responses say Connection: close) and closes what is left after stop_grace.
  void Stop();

  /// Open connections (for tests and metrics).
  std::size_t connection_count() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace faceloop::http
