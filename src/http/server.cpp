#include "http/server.hpp"

#include <iostream>

#include "common/error.hpp"
#include "http/problem.hpp"

namespace faceloop::http {

void ConfigureServer(httplib::Server& server, const Limits& limits) {
  const std::size_t threads = static_cast<std::size_t>(std::max(2, limits.http_threads));
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(limits.max_image_bytes + kMultipartOverhead);
  server.set_read_timeout(limits.read_timeout_s, 0);
  server.set_write_timeout(limits.write_timeout_s, 0);
  server.set_keep_alive_timeout(limits.keep_alive_timeout_s);
  server.set_keep_alive_max_count(static_cast<std::size_t>(limits.keep_alive_max_count));
  // Runs for statuses httplib sets itself (no route: 404, body over the limit: 413, ...); routes
  // have already written their problem body, which is left alone.
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string detail = res.status == 413   ? "request body is larger than the limit"
                               : res.status == 404 ? "no such resource"
                                                   : "request failed";
    res.set_content(ProblemJsonForStatus(res.status, detail).dump(), kProblemContentType);
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content(ProblemJsonForStatus(500, "internal error").dump(), kProblemContentType);
  });
}

int BindServer(httplib::Server& server, const std::string& host, int port) {
  if (port == 0) {
    const int bound = server.bind_to_any_port(host);
    if (bound > 0) return bound;
  } else if (server.bind_to_port(host, port)) {
    return port;
  }
  throw Error(ErrorCode::kInternal, "cannot listen on " + host + ":" + std::to_string(port));
}

}  // namespace faceloop::http
