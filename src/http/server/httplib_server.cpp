#include "http/server/httplib_server.hpp"

#include <chrono>
#include <future>

#include <httplib.h>

#include "common/error.hpp"

namespace faceloop::http {
namespace {

/// httplib parses multipart bodies itself and leaves req.body empty: put the parts back as a body
/// with the boundary the client sent, so routes see the bytes every engine gives them.
std::string MultipartBody(const httplib::Request& in) {
  const std::string type = in.get_header_value("Content-Type");
  const std::size_t at = type.find("boundary=");
  std::string boundary = at == std::string::npos ? "x" : type.substr(at + 9);
  if (boundary.size() >= 2 && boundary.front() == '"') boundary = boundary.substr(1, boundary.size() - 2);
  std::string body;
  for (const auto& [name, file] : in.files) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"";
    if (!file.filename.empty()) body += "; filename=\"" + file.filename + "\"";
    body += "\r\n";
    if (!file.content_type.empty()) body += "Content-Type: " + file.content_type + "\r\n";
    body += "\r\n" + file.content + "\r\n";
  }
  return body + "--" + boundary + "--\r\n";
}

RequestPtr Convert(const httplib::Request& in, const std::string& request_id) {
  auto out = std::make_shared<Request>();
  out->method = in.method;
  out->target = in.target;
  out->path = in.path;
  for (const auto& [name, value] : in.params) out->query.emplace_back(name, value);
  for (const auto& [name, value] : in.headers) out->headers.Add(name, value);
  out->body = in.is_multipart_form_data() ? MultipartBody(in) : in.body;
  out->remote_addr = in.remote_addr;
  out->client_addr = in.remote_addr;
  out->request_id = request_id;
  return out;
}

void Write(const Response& in, httplib::Response& out) {
  out.status = in.status;
  std::string content_type;
  for (const auto& [name, value] : in.headers.fields()) {
    if (name == "Content-Type") {
      content_type = value;
    } else {
      out.set_header(name, value);
    }
  }
  if (!in.body.empty() || !content_type.empty()) out.set_content(in.body, content_type);
}

}  // namespace

struct HttplibServer::Impl {
  Impl(HttplibOptions o, const Router& r) : options(std::move(o)), router(r) {}
  HttplibOptions options;
  const Router& router;
  httplib::Server server;

  void Handle(const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    const std::string id = options.new_request_id();
    const RequestPtr request = Convert(req, id);
    if (options.prepare) options.prepare(*request);
    const Router::Match match = router.Find(request->method, request->path);
    Response response;
    if (match.route == nullptr) {
      response = options.error_response(match.miss_status,
                                        match.miss_status == 405 ? "method not allowed" : "no such resource");
      if (match.miss_status == 405) response.headers.Set("Allow", match.allow);
    } else {
      request->path_params = match.params;
      std::promise<Response> done;
      auto answered = done.get_future();
      match.route->handler(request, [&done](Response r) { done.set_value(std::move(r)); });
      response = answered.get();
    }
    response.headers.Set("X-Request-Id", id);
    if (options.on_complete) {
      options.on_complete(*request, response,
                          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    Write(response, res);
  }
};

HttplibServer::HttplibServer(HttplibOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {
  httplib::Server& server = impl_->server;
  const std::size_t threads = impl_->options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(impl_->options.max_body_bytes);
  server.set_read_timeout(impl_->options.read_timeout_s, 0);
  server.set_write_timeout(impl_->options.write_timeout_s, 0);
  server.set_keep_alive_timeout(impl_->options.keep_alive_timeout_s);
  server.set_keep_alive_max_count(static_cast<std::size_t>(impl_->options.keep_alive_max_count));
  auto handle = [impl = impl_.get()](const httplib::Request& req, httplib::Response& res) { impl->Handle(req, res); };
  for (const char* pattern : {".*"}) {
    server.Get(pattern, handle);
    server.Post(pattern, handle);
    server.Put(pattern, handle);
    server.Delete(pattern, handle);
    server.Patch(pattern, handle);
    server.Options(pattern, handle);
  }
  server.set_error_handler([impl = impl_.get()](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    Write(impl->options.error_response(res.status,
                                       res.status == 413 ? "request body is larger than the limit" : "request failed"),
          res);
  });
}

HttplibServer::~HttplibServer() = default;

int HttplibServer::Bind(const std::string& host, int port) {
  if (port == 0) {
    const int bound = impl_->server.bind_to_any_port(host);
    if (bound > 0) return bound;
  } else if (impl_->server.bind_to_port(host, port)) {
    return port;
  }
  throw Error(ErrorCode::kInternal, "cannot listen on " + host + ":" + std::to_string(port));
}

void HttplibServer::Run() { impl_->server.listen_after_bind(); }

void HttplibServer::Stop() { impl_->server.stop(); }

}  // namespace faceloop::http
