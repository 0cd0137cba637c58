#pragma once
// An HttpServer on 127.0.0.1:<free port>, served by a background thread for the test's lifetime.
#include <chrono>
#include <functional>
#include <stdexcept>
#include <thread>

#include "http/server/http_server.hpp"
#include "http/server/router.hpp"

namespace faceloop::http::testing {

/// Short deadlines, so tests that wait for them stay fast.
inline ServerOptions FastOptions() {
  ServerOptions options;
  options.handler_threads = 4;
  options.stop_grace = std::chrono::seconds(2);
  options.linger_timeout = std::chrono::milliseconds(300);
  return options;
}

/// The routes most tests talk to.
inline void AddTestRoutes(Router& router) {
  router.Add("GET", "/hello",
             SyncHandler([](const Request&, Response& response) { response.SetContent("hello", "text/plain"); }));
  router.Add("POST", "/echo", SyncHandler([](const Request& request, Response& response) {
               response.SetContent(request.body, "application/octet-stream");
             }));
  router.Add("GET", "/items/{id}", SyncHandler([](const Request& request, Response& response) {
               response.SetContent(request.path_params.at(0) + "|" + request.Param("q"), "text/plain");
             }));
  router.Add("DELETE", "/items/{id}", SyncHandler([](const Request&, Response& response) { response.status = 204; }));
  router.Add("GET", "/slow", SyncHandler([](const Request&, Response& response) {
               std::this_thread::sleep_for(std::chrono::milliseconds(300));
               response.SetContent("slow", "text/plain");
             }));
  router.Add("GET", "/later", AsyncHandler([](RequestPtr, Reply reply) {
               std::thread([reply = std::move(reply)] {
                 std::this_thread::sleep_for(std::chrono::milliseconds(50));
                 Response response;
                 response.SetContent("later", "text/plain");
                 reply(std::move(response));
               }).detach();
             }));
  router.Add("GET", "/throw",
             SyncHandler([](const Request&, Response&) { throw std::runtime_error("secret detail"); }));
  router.Add("GET", "/drop", AsyncHandler([](RequestPtr, Reply) {}));
  router.Add("GET", "/twice", AsyncHandler([](RequestPtr, Reply reply) {
               Response first;
               first.SetContent("first", "text/plain");
               reply(first);
               Response second;
               second.SetContent("second", "text/plain");
               reply(second);
             }));
}

class TestServer {
 public:
  TestServer(ServerOptions options, const std::function<void(Router&)>& add_routes)
      : router_(MakeRouter(add_routes)), server_(std::move(options), router_) {
    port_ = server_.Bind("127.0.0.1", 0);
    thread_ = std::thread([this] { server_.Run(); });
  }
  ~TestServer() { StopAndJoin(); }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return port_; }
  HttpServer& server() { return server_; }
  /// Stop() and wait for Run() to return.
  void StopAndJoin() {
    server_.Stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  static Router MakeRouter(const std::function<void(Router&)>& add_routes) {
    Router router;
    add_routes(router);
    return router;
  }

  Router router_;
  HttpServer server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace faceloop::http::testing
