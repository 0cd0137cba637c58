#include "service/app.hpp"

#include <algorithm>

#include "http/access_log.hpp"
#include "http/problem.hpp"

namespace faceloop::service {
namespace {

/// Room for multipart boundaries and part headers on top of the image byte limit.
constexpr std::size_t kMultipartOverhead = 64 * 1024;

http::ServerOptions FrontEndOptions(Service& service) {
  const Config& config = service.config();
  const Limits& limits = config.limits;
  http::ServerOptions options;
  options.io_threads = limits.io_threads;
  options.handler_threads = limits.http_threads;
  options.head_timeout = std::chrono::seconds(limits.read_timeout_s);
  options.request_timeout = std::chrono::seconds(limits.request_timeout_s);
  options.body_idle_timeout = std::chrono::seconds(limits.read_timeout_s);
  options.idle_timeout = std::chrono::seconds(limits.keep_alive_timeout_s);
  options.write_timeout = std::chrono::seconds(limits.write_timeout_s);
  options.max_requests_per_connection = static_cast<std::size_t>(limits.keep_alive_max_count);
  options.max_header_bytes = limits.max_header_bytes;
  // The largest body any route takes: an image (with its multipart framing) or a label file, whose
  // route answers a precise 413 between its own cap and this one.
  options.max_body_bytes = std::max<std::uint64_t>(limits.max_image_bytes + kMultipartOverhead,
                                                   std::uint64_t{limits.labels_import_max_mb} * 1024 * 1024 + 1);
  options.max_connections = static_cast<std::size_t>(limits.max_connections);
  options.max_connections_per_ip = static_cast<std::size_t>(limits.max_connections_per_ip);
  options.new_request_id = [&service] { return service.NewRequestId(); };
  options.error_response = [](int status, const std::string& detail) { return http::ProblemResponse(status, detail); };
  options.on_complete = http::LogAccess;
  options.prepare = [&service](http::Request& request) { service.Prepare(request); };
  return options;
}

}  // namespace

App::App(Config config) : service_(std::move(config)) {
  service_.RegisterRoutes(router_);
  server_ = std::make_unique<http::HttpServer>(FrontEndOptions(service_), router_);
}

int App::Bind() { return server_->Bind(service_.config().host, service_.config().port); }

void App::Listen() { server_->Run(); }

void App::Stop() { server_->Stop(); }

}  // namespace faceloop::service
