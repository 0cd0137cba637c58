// HttpServer over real sockets: keep-alive, pipelining, bodies, 100-continue, HEAD, handlers on
// other threads, and the hooks. Limits, deadlines and Stop are in server_limits_test.cpp.
#include "http/server/http_server.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "http/server/raw_client.hpp"
#include "http/server/test_server.hpp"

namespace faceloop::http::testing {
namespace {

/// TCP_NODELAY of the server's end of `client`'s connection, found among this process's sockets.
std::optional<bool> ServerSideNoDelay(int server_port, const RawClient& client) {
  DIR* fds = opendir("/proc/self/fd");
  std::optional<bool> result;
  while (dirent* entry = readdir(fds)) {
    const int fd = std::atoi(entry->d_name);
    sockaddr_in local{}, peer{};
    socklen_t local_size = sizeof local, peer_size = sizeof peer;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_size) != 0 || local.sin_family != AF_INET) continue;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_size) != 0) continue;
    if (ntohs(local.sin_port) != server_port || ntohs(peer.sin_port) != client.local_port()) continue;
    int value = 0;
    socklen_t size = sizeof value;
    getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &size);
    result = value != 0;
  }
  closedir(fds);
  return result;
}

TEST(HttpServerTest, KeepAliveServesManySmallRequestsWithoutDelayedAckStalls) {
  TestServer server(FastOptions(), AddTestRoutes);
  RawClient client(server.port());
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(client.Send(Get("/hello")));
    const auto response = client.Read();
    ASSERT_TRUE(response) << "request " << i;
    EXPECT_EQ(response->body, "hello");
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // With a Nagle + delayed-ACK stall each request would take ~40 ms: 8 s in all.
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  EXPECT_EQ(ServerSideNoDelay(server.port(), client), std::optional<bool>(true));
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  TestServer server(FastOptions(), AddTestRoutes);
  RawClient client(server.port());
  ASSERT_TRUE(client.Send(Get("/items/1?q=a") + Get("/slow") + Post("/echo", "three") + Get("/items/4")));
  std::vector<std::string> bodies, ids;
  for (int i = 0; i < 4; ++i) {
    const auto response = client.Read();
    ASSERT_TRUE(response);
    bodies.push_back(response->body);
    ids.push_back(response->Header("X-Request-Id"));
  }
  EXPECT_EQ(bodies, (std::vector<std::string>{"1|a", "slow", "three", "4|"}));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 4u);
}

TEST(HttpServerTest, ChunkedBodyArrivingInPieces) {
  TestServer server(FastOptions(), AddTestRoutes);
  RawClient client(server.port());
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWi"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(client.Send("ki\r\n5\r\npedia\r\n0\r\n\r\n"));
  const auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "Wikipedia");
}

TEST(HttpServerTest, PostWithoutContentLengthIsAnsweredAtOnce) {
  TestServer server(FastOptions(), AddTestRoutes);
  RawClient client(server.port());
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\n\r\n"));
  const auto response = client.Read(std::chrono::milliseconds(1000));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "");
}

TEST(HttpServerTest, ContinueThenFinalResponse) {
  TestServer server(FastOptions(), AddTestRoutes);
  RawClient client(server.port());
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  const auto interim = client.Read(std::chrono::milliseconds(1000));
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.Send("body"));
  const auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "body");
}

TEST(HttpServerTest, ContinueRefusedWithTheFinalStatusAtOnce) {
  ServerOptions options = FastOptions();
  options.max_body_bytes = 1000;
  TestServer server(options, AddTestRoutes);
  RawClient too_big(server.port());
  ASSERT_TRUE(too_big.Send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n"));
  const auto response = too_big.Read(std::chrono::milliseconds(1000));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_TRUE(too_big.WaitClosed());

  RawClient unknown(server.port());
  ASSERT_TRUE(unknown.Send("POST /nowhere HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  const auto missing = unknown.Read(std::chrono::milliseconds(1000));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_TRUE(unknown.WaitClosed());  // the announced body was never read
}

TEST(HttpServerTest, HeadIsGetWithoutTheBody) {
  TestServer server(FastOptions(), AddTestRoutes);
  RawClient client(server.port());
  ASSERT_TRUE(client.Send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  const auto head = client.Read(std::chrono::seconds(5), true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), "5");
  ASSERT_TRUE(client.Send(Get("/hello")));  // no stray body bytes before the next response
  const auto get = client.Read();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, "hello");
}

TEST(HttpServerTest, NotFoundAndMethodNotAllowedWithAllow) {
  TestServer server(FastOptions(), AddTestRoutes);
  RawClient client(server.port());
  ASSERT_TRUE(client.Send(Get("/nope") + "PUT /items/7 HTTP/1.1\r\nHost: t\r\n\r\n" + Get("/hello")));
  const auto missing = client.Read();
  const auto wrong_method = client.Read();
  const auto fine = client.Read();  // both errors kept the connection: their requests had no body
  ASSERT_TRUE(missing && wrong_method && fine);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(wrong_method->status, 405);
  EXPECT_EQ(wrong_method->Header("Allow"), "GET, HEAD, DELETE");
  EXPECT_EQ(fine->status, 200);
}

TEST(HttpServerTest, HandlersAnswerFromOtherThreadsAndFailuresBecome500) {
  TestServer server(FastOptions(), AddTestRoutes);
  RawClient client(server.port());
  for (const auto& [path, status, body] : std::vector<std::tuple<std::string, int, std::string>>{
           {"/later", 200, "later"}, {"/twice", 200, "first"}, {"/hello", 200, "hello"}}) {
    ASSERT_TRUE(client.Send(Get(path)));
    const auto response = client.Read();
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->status, status) << path;
    EXPECT_EQ(response->body, body) << path;
  }
  for (const std::string path : {"/throw", "/drop"}) {
    ASSERT_TRUE(client.Send(Get(path)));
    const auto response = client.Read();
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->status, 500) << path;
    EXPECT_EQ(response->body.find("secret"), std::string::npos);
  }
}

TEST(HttpServerTest, HooksGiveIdsErrorBodiesAndOneCompletionPerRequest) {
  ServerOptions options = FastOptions();
  std::atomic<int> next_id{0};
  options.new_request_id = [&next_id] { return "req-" + std::to_string(++next_id); };
  options.error_response = [](int status, const std::string& detail) {
    Response response;
    response.SetContent("{\"status\":" + std::to_string(status) + ",\"detail\":\"" + std::string(detail) + "\"}",
                        "application/problem+json");
    return response;
  };
  std::mutex mutex;
  std::vector<std::string> completed;
  options.on_complete = [&](const Request& request, const Response& response, double seconds) {
    std::lock_guard lock(mutex);
    completed.push_back(request.request_id + " " + request.method + " " + request.path + " " +
                        std::to_string(response.status) + (seconds >= 0 ? "" : " negative"));
  };
  TestServer server(options, AddTestRoutes);
  RawClient client(server.port());
  ASSERT_TRUE(client.Send(Get("/hello") + Get("/missing")));
  const auto hello = client.Read();
  const auto missing = client.Read();
  ASSERT_TRUE(hello && missing);
  EXPECT_EQ(hello->Header("X-Request-Id"), "req-1");
  EXPECT_EQ(missing->Header("X-Request-Id"), "req-2");
  EXPECT_EQ(missing->Header("Content-Type"), "application/problem+json");
  EXPECT_EQ(missing->body, "{\"status\":404,\"detail\":\"no such resource\"}");
  server.StopAndJoin();
  std::lock_guard lock(mutex);
  EXPECT_EQ(completed, (std::vector<std::string>{"req-1 GET /hello 200", "req-2 GET /missing 404"}));
}

TEST(HttpServerTest, PrepareRunsBeforeRoutingAndMayRefuse) {
  ServerOptions options = FastOptions();
  options.prepare = [](Request& request) {
    if (request.HasParam("refuse")) throw Error(ErrorCode::kBadRequest, "refused by prepare");
    if (request.Header("X-Forwarded-For") == "203.0.113.7") request.client_addr = "203.0.113.7";
  };
  TestServer server(options, [](Router& router) {
    router.Add("GET", "/who", SyncHandler([](const Request& request, Response& response) {
                 response.SetContent(request.remote_addr + " " + request.client_addr, "text/plain");
               }));
  });
  RawClient client(server.port());
  ASSERT_TRUE(client.Send(Get("/who") + Get("/who", "X-Forwarded-For: 203.0.113.7\r\n") + Get("/who?refuse=1")));
  const auto direct = client.Read();
  const auto proxied = client.Read();
  const auto refused = client.Read();
  ASSERT_TRUE(direct && proxied && refused);
  EXPECT_EQ(direct->body, "127.0.0.1 127.0.0.1");
  EXPECT_EQ(proxied->body, "127.0.0.1 203.0.113.7");
  EXPECT_EQ(refused->status, 400);
  EXPECT_NE(refused->body.find("refused by prepare"), std::string::npos);
}

TEST(HttpServerTest, Http10ClosesUnlessAskedToKeepAlive) {
  TestServer server(FastOptions(), AddTestRoutes);
  RawClient kept(server.port());
  ASSERT_TRUE(kept.Send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  const auto first = kept.Read();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->Header("Connection"), "keep-alive");
  ASSERT_TRUE(kept.Send("GET /hello HTTP/1.0\r\n\r\n"));
  const auto second = kept.Read();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->Header("Connection"), "close");
  EXPECT_TRUE(kept.WaitClosed());
}

TEST(HttpServerTest, ClientConnectionCloseIsHonoured) {
  TestServer server(FastOptions(), AddTestRoutes);
  RawClient client(server.port());
  ASSERT_TRUE(client.Send(Get("/hello", "Connection: close\r\n") + Get("/hello")));
  const auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_TRUE(client.WaitClosed());
  EXPECT_EQ(client.pending(), "");  // the pipelined second request was not answered
}

TEST(HttpServerTest, SeveralIoThreadsServeConcurrentClients) {
  ServerOptions options = FastOptions();
  options.io_threads = 3;
  TestServer server(options, AddTestRoutes);
  std::atomic<int> correct{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      RawClient client(server.port());
      for (int i = 0; i < 40; ++i) {
        const std::string body = std::to_string(c) + "-" + std::to_string(i);
        const bool later = i % 10 == 0;
        if (!client.Send(later ? Get("/later") : Post("/echo", body))) return;
        const auto response = client.Read();
        if (response && response->body == (later ? "later" : body)) ++correct;
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(correct, 8 * 40);
}

TEST(HttpServerTest, LargeResponseBodyArrivesWhole) {
  TestServer server(FastOptions(), AddTestRoutes);
  RawClient client(server.port());
  std::string big(3 * 1024 * 1024, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + (i / 4096) % 26);
  ASSERT_TRUE(client.Send(Post("/echo", big)));
  const auto response = client.Read(std::chrono::seconds(10));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, big);
}

}  // namespace
}  // namespace faceloop::http::testing
