#include "http/server/server_core.hpp"

#include <thread>

#include <boost/beast/http/status.hpp>

#include "http/server/connection.hpp"

namespace faceloop::http {
namespace {

Response PlainTextError(int status, std::string_view detail) {
  namespace beast_http = boost::beast::http;
  Response response;
  response.status = status;
  const auto known = beast_http::int_to_status(static_cast<unsigned>(status));
  std::string text = std::to_string(status);
  if (known != beast_http::status::unknown) {
    const auto reason = beast_http::obsolete_reason(known);
    text.append(" ").append(reason.data(), reason.size());
  }
  response.SetContent(text.append(": ").append(detail).append("\n"), "text/plain; charset=utf-8");
  return response;
}

int DefaultHandlerThreads() { return 2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

}  // namespace

bool ReplyGate::IfOpen(const std::function<void()>& action) {
  std::lock_guard lock(mutex_);
  if (!open_) return false;
  action();
  return true;
}

void ReplyGate::Close() {
  std::lock_guard lock(mutex_);
  open_ = false;
}

ServerCore::ServerCore(ServerOptions options, const Router& router)
    : options_(std::move(options)),
      router_(router),
      parser_limits_{options_.max_header_bytes, options_.max_body_bytes},
      limiter_(options_.max_connections, options_.max_connections_per_ip) {
  if (options_.io_threads < 1) options_.io_threads = 1;
  if (options_.handler_threads < 1) options_.handler_threads = DefaultHandlerThreads();
  if (!options_.error_response) {
    options_.error_response = [](int status, const std::string& detail) { return PlainTextError(status, detail); };
  }
  handlers_ = std::make_unique<HandlerPool>(options_.handler_threads);
}

std::string ServerCore::NewRequestId() {
  if (options_.new_request_id) {
    try {
      return options_.new_request_id();
    } catch (...) {  // hooks run on I/O threads: a throwing one must not leave a connection stuck
    }
  }
  return std::to_string(request_counter_.fetch_add(1, std::memory_order_relaxed) + 1);
}

Response ServerCore::ErrorResponse(int status, std::string_view detail) const {
  try {
    Response response = options_.error_response(status, std::string(detail));
    response.status = status;  // the hook renders the body; the status is the engine's decision
    return response;
  } catch (...) {
    return PlainTextError(status, detail);
  }
}

void ServerCore::Complete(const Request& request, const Response& response, double seconds) const {
  if (!options_.on_complete) return;
  try {
    options_.on_complete(request, response, seconds);
  } catch (...) {  // the response is out; a failing log line must not change what the client saw
  }
}

void ServerCore::Register(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(registry_mutex_);
  registry_.emplace(connection.get(), connection);
}

void ServerCore::Forget(const Connection* connection) {
  std::shared_ptr<Connection> released;  // destroyed outside the lock
  bool drained = false;
  {
    std::lock_guard lock(registry_mutex_);
    const auto found = registry_.find(connection);
    if (found == registry_.end()) return;
    released = std::move(found->second);
    registry_.erase(found);
    drained = stopping() && registry_.empty();
  }
  if (drained && on_drained_) on_drained_();
}

std::vector<std::shared_ptr<Connection>> ServerCore::Connections() {
  std::lock_guard lock(registry_mutex_);
  std::vector<std::shared_ptr<Connection>> all;
  all.reserve(registry_.size());
  for (const auto& [key, connection] : registry_) all.push_back(connection);
  return all;
}

std::size_t ServerCore::connection_count() {
  std::lock_guard lock(registry_mutex_);
  return registry_.size();
}

void ServerCore::Shutdown() {
  gate_->Close();
  std::unordered_map<const Connection*, std::shared_ptr<Connection>> released;
  {
    std::lock_guard lock(registry_mutex_);
    released.swap(registry_);
  }
}

}  // namespace faceloop::http
