#pragma once
// `faceloop serve`: the Service behind the HTTP front end.
#include <memory>

#include "http/server/http_server.hpp"
#include "http/server/router.hpp"
#include "service/config.hpp"
#include "service/service.hpp"

namespace faceloop::service {

class App {
 public:
  explicit App(Config config);

  /// Binds the configured host:port and returns the bound port (the real one for port 0).
  int Bind();
  /// Serves until Stop(); call after Bind().
  void Listen();
  /// Stops accepting and returns Listen() once in-flight requests finished. Thread-safe.
  void Stop();

  const Config& config() const { return service_.config(); }

 private:
  Service service_;
  http::Router router_;
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace faceloop::service
