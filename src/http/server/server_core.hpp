#pragma once
// What HttpServer's connections share: options, router, handler threads, limits and the registry of
// open connections. Internal to the engine (http_server.cpp, connection.cpp).
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/server/connection_limiter.hpp"
#include "http/server/handler_pool.hpp"
#include "http/server/request_parser.hpp"
#include "http/server/router.hpp"
#include "http/server/server_options.hpp"

namespace faceloop::http {

class Connection;

/// Replies may arrive from any thread at any time, even after the server is gone (a detection pool
/// finishing late). They pass this gate, which the server closes before it tears its I/O down.
class ReplyGate {
 public:
  /// Runs `action` while holding the gate open; returns false (and does not run it) once closed.
  bool IfOpen(const std::function<void()>& action);
  void Close();

 private:
  std::mutex mutex_;
  bool open_ = true;
};

class ServerCore {
 public:
  /// Fills unset hooks and thread counts with their defaults.
  ServerCore(ServerOptions options, const Router& router);

  const ServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  const ParserLimits& parser_limits() const { return parser_limits_; }
  ConnectionLimiter& limiter() { return limiter_; }
  HandlerPool& handlers() { return *handlers_; }
  const std::shared_ptr<ReplyGate>& gate() const { return gate_; }

  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  void set_stopping() { stopping_.store(true, std::memory_order_release); }

  std::string NewRequestId();
  /// options().error_response(status, detail); a plain-text one should that hook throw.
  Response ErrorResponse(int status, std::string_view detail) const;
  /// options().on_complete, shielded: a throwing access log must not take the connection down.
  void Complete(const Request& request, const Response& response, double seconds) const;

  void Register(const std::shared_ptr<Connection>& connection);
  /// Drops a closed connection; calls `on_drained` when the server is stopping and none is left.
  void Forget(const Connection* connection);
  std::vector<std::shared_ptr<Connection>> Connections();
  std::size_t connection_count();
  void set_on_drained(std::function<void()> on_drained) { on_drained_ = std::move(on_drained); }

  /// Joins the handler threads (running handlers finish; queued ones are dropped).
  void StopHandlers() { handlers_.reset(); }
  /// Closes the gate and releases every connection; for the server's destructor.
  void Shutdown();

 private:
  ServerOptions options_;
  const Router& router_;
  ParserLimits parser_limits_;
  ConnectionLimiter limiter_;
  std::shared_ptr<ReplyGate> gate_ = std::make_shared<ReplyGate>();
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> request_counter_{0};
  std::function<void()> on_drained_;
  std::mutex registry_mutex_;
  std::unordered_map<const Connection*, std::shared_ptr<Connection>> registry_;
  std::unique_ptr<HandlerPool> handlers_;
};

}  // namespace faceloop::http
