#pragma once
// Serves a Router through cpp-httplib: the front end until the event-driven engine replaces it.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "http/server/router.hpp"

namespace faceloop::http {

struct HttplibOptions {
  std::size_t threads = 16;
  std::size_t max_body_bytes = 20u << 20;
  int read_timeout_s = 10;
  int write_timeout_s = 10;
  int keep_alive_timeout_s = 5;
  int keep_alive_max_count = 100;
  std::function<std::string()> new_request_id;
  std::function<Response(int status, const std::string& detail)> error_response;
  std::function<void(const Request&, const Response&, double seconds)> on_complete;
  /// Runs on every parsed request before it is routed.
  std::function<void(Request&)> prepare;
};

class HttplibServer {
 public:
  HttplibServer(HttplibOptions options, const Router& router);
  ~HttplibServer();
  int Bind(const std::string& host, int port);
  void Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace faceloop::http
