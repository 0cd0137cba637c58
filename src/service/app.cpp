#include "service/app.hpp"

#include "http/access_log.hpp"
#include "http/problem.hpp"

namespace faceloop::service {
namespace {

/// Room for multipart boundaries and part headers on top of the image byte limit.
constexpr std::size_t kMultipartOverhead = 64 * 1024;

http::HttplibOptions FrontEndOptions(Service& service) {
  const Config& config = service.config();
  http::HttplibOptions options;
  options.threads = static_cast<std::size_t>(std::max(2, config.limits.http_threads));
  options.max_body_bytes = config.limits.max_image_bytes + kMultipartOverhead;
  options.read_timeout_s = config.limits.read_timeout_s;
  options.write_timeout_s = config.limits.write_timeout_s;
  options.keep_alive_timeout_s = config.limits.keep_alive_timeout_s;
  options.keep_alive_max_count = config.limits.keep_alive_max_count;
  options.new_request_id = [&service] { return service.NewRequestId(); };
  options.error_response = [](int status, const std::string& detail) { return http::ProblemResponse(status, detail); };
  options.on_complete = http::LogAccess;
  options.prepare = [&service](http::Request& request) { service.Prepare(request); };
  return options;
}

}  // namespace

App::App(Config config) : service_(std::move(config)) {
  service_.RegisterRoutes(router_);
  server_ = std::make_unique<http::HttplibServer>(FrontEndOptions(service_), router_);
}

int App::Bind() { return server_->Bind(service_.config().host, service_.config().port); }

void App::Listen() { server_->Run(); }

void App::Stop() { server_->Stop(); }

}  // namespace faceloop::service
