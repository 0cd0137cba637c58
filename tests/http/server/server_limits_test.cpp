// HttpServer's limits, deadlines and shutdown, over real sockets.
#include <atomic>
#include <future>

#include <gtest/gtest.h>

#include "http/server/http_server.hpp"
#include "http/server/raw_client.hpp"
#include "http/server/test_server.hpp"

namespace faceloop::http::testing {
namespace {

using Clock = std::chrono::steady_clock;

/// Sends `bytes`, expects `status` and then the connection closed.
void ExpectRefusedAndClosed(int port, const std::string& bytes, int status) {
  RawClient client(port);
  ASSERT_TRUE(client.Send(bytes));
  const auto response = client.Read(std::chrono::seconds(2));
  ASSERT_TRUE(response) << bytes;
  EXPECT_EQ(response->status, status) << bytes;
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_TRUE(client.WaitClosed(std::chrono::seconds(2)));
}

TEST(ServerLimitsTest, AmbiguousRequestsAre400AndClose) {
  TestServer server(FastOptions(), AddTestRoutes);
  const std::vector<std::string> requests = {
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "GET /hello HTTP/1.1\r\nHost: t\r\nX-A: one\r\n two\r\n\r\n",
      std::string("GET /hello HTTP/1.1\r\nHost: t\r\nX-A: a\0b\r\n\r\n", 40),
      "GET http://t/hello HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /he%zzllo HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /hello HTTP/1.1\r\n\r\n",
  };
  for (const std::string& request : requests) ExpectRefusedAndClosed(server.port(), request, 400);
  ExpectRefusedAndClosed(server.port(), "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501);
  ExpectRefusedAndClosed(server.port(), "GET /hello HTTP/2.0\r\nHost: t\r\n\r\n", 505);
}

TEST(ServerLimitsTest, HeadOverTheLimitIs431AndCloses) {
  ServerOptions options = FastOptions();
  options.max_header_bytes = 2048;
  TestServer server(options, AddTestRoutes);
  ExpectRefusedAndClosed(server.port(), Get("/hello", "X-Pad: " + std::string(3000, 'p') + "\r\n"), 431);
  RawClient fits(server.port());
  ASSERT_TRUE(fits.Send(Get("/hello", "X-Pad: " + std::string(1500, 'p') + "\r\n")));
  const auto response = fits.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST(ServerLimitsTest, BodyOverTheLimitIs413BeforeItIsSentOrWhileChunked) {
  ServerOptions options = FastOptions();
  options.max_body_bytes = 10000;
  TestServer server(options, AddTestRoutes);
  // Decided from Content-Length alone: no body byte is sent.
  ExpectRefusedAndClosed(server.port(), "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10001\r\n\r\n", 413);
  std::string chunked = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 11; ++i) chunked += "3e8\r\n" + std::string(1000, 'x') + "\r\n";
  ExpectRefusedAndClosed(server.port(), chunked, 413);
  RawClient fits(server.port());
  ASSERT_TRUE(fits.Send(Post("/echo", std::string(10000, 'y'))));
  const auto response = fits.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body.size(), 10000u);
}

TEST(ServerLimitsTest, PerClientAndTotalConnectionLimits) {
  ServerOptions options = FastOptions();
  options.max_connections_per_ip = 3;
  options.max_connections = 5;
  TestServer server(options, AddTestRoutes);
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawClient>(server.port()));
    ASSERT_TRUE(held.back()->Send(Get("/hello")));
    ASSERT_TRUE(held.back()->Read());
  }
  RawClient over(server.port());
  over.Send(Get("/hello"));  // may fail: the server may have closed already
  EXPECT_TRUE(over.WaitClosed(std::chrono::seconds(2)));
  EXPECT_TRUE(over.pending().empty() || over.pending().starts_with("HTTP/1.1 503")) << over.pending();

  RawClient other_address(server.port(), "127.0.0.2");  // another client is not affected
  ASSERT_TRUE(other_address.Send(Get("/hello")));
  ASSERT_TRUE(other_address.Read());
  RawClient fifth(server.port(), "127.0.0.3");
  ASSERT_TRUE(fifth.Send(Get("/hello")));
  ASSERT_TRUE(fifth.Read());
  RawClient sixth(server.port(), "127.0.0.4");  // over the total
  EXPECT_TRUE(sixth.WaitClosed(std::chrono::seconds(2)));

  held.pop_back();  // a place is freed once the server sees the close
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    RawClient again(server.port());
    served = again.Send(Get("/hello")) && again.Read(std::chrono::milliseconds(500)).has_value();
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(served);
}

TEST(ServerLimitsTest, HeadDeadlineCoversTheWholeHeadNotEachRead) {
  ServerOptions options = FastOptions();
  options.head_timeout = std::chrono::milliseconds(600);
  TestServer server(options, AddTestRoutes);
  RawClient client(server.port());
  const auto start = Clock::now();
  const std::string request = Get("/hello");
  std::optional<RawResponse> response;
  for (char byte : request.substr(0, 20)) {  // a byte every 100 ms: each read is quick, the head is not
    if (!client.Send(std::string(1, byte))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  response = client.Read(std::chrono::seconds(2));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 408);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(2500));
  EXPECT_TRUE(client.WaitClosed());
}

TEST(ServerLimitsTest, BodyDeadline) {
  ServerOptions options = FastOptions();
  options.request_timeout = std::chrono::milliseconds(500);
  TestServer server(options, AddTestRoutes);
  RawClient client(server.port());
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab"));
  const auto response = client.Read(std::chrono::seconds(2));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 408);
}

TEST(ServerLimitsTest, IdleKeepAliveConnectionsAreClosed) {
  ServerOptions options = FastOptions();
  options.idle_timeout = std::chrono::milliseconds(300);
  TestServer server(options, AddTestRoutes);
  RawClient never_spoke(server.port());
  RawClient spoke_once(server.port());
  ASSERT_TRUE(spoke_once.Send(Get("/hello")));
  ASSERT_TRUE(spoke_once.Read());
  const auto start = Clock::now();
  EXPECT_TRUE(spoke_once.WaitClosed(std::chrono::seconds(2)));
  EXPECT_TRUE(never_spoke.WaitClosed(std::chrono::seconds(2)));
  EXPECT_EQ(never_spoke.pending(), "");  // closed silently: no request, no response
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1500));
}

TEST(ServerLimitsTest, MaxRequestsPerConnection) {
  ServerOptions options = FastOptions();
  options.max_requests_per_connection = 3;
  TestServer server(options, AddTestRoutes);
  RawClient client(server.port());
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(client.Send(Get("/hello")));
    const auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->HasHeader("Connection"), i == 3) << i;
  }
  EXPECT_TRUE(client.WaitClosed());
}

TEST(ServerLimitsTest, StopLetsTheRequestInFlightFinishAndClosesIdleConnections) {
  TestServer server(FastOptions(), AddTestRoutes);
  RawClient idle(server.port());
  ASSERT_TRUE(idle.Send(Get("/hello")));
  ASSERT_TRUE(idle.Read());
  RawClient busy(server.port());
  ASSERT_TRUE(busy.Send(Get("/slow")));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the handler is running now
  const auto start = Clock::now();
  auto stopped = std::async(std::launch::async, [&server] { server.StopAndJoin(); });
  EXPECT_TRUE(idle.WaitClosed(std::chrono::milliseconds(500)));
  const auto response = busy.Read(std::chrono::seconds(2));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "slow");
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_EQ(stopped.wait_for(std::chrono::seconds(2)), std::future_status::ready);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));  // no waiting out the grace period
  EXPECT_THROW(RawClient late(server.port()), std::runtime_error);
}

TEST(ServerLimitsTest, StopClosesWhatOutlivesTheGracePeriod) {
  ServerOptions options = FastOptions();
  options.stop_grace = std::chrono::milliseconds(300);
  std::promise<Reply> kept;
  TestServer server(options, [&kept](Router& router) {
    router.Add("GET", "/never", AsyncHandler([&kept](RequestPtr, Reply reply) { kept.set_value(std::move(reply)); }));
  });
  RawClient client(server.port());
  ASSERT_TRUE(client.Send(Get("/never")));
  Reply reply = kept.get_future().get();
  const auto start = Clock::now();
  server.StopAndJoin();
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1500));
  EXPECT_TRUE(client.WaitClosed(std::chrono::seconds(1)));
  reply(Response());  // late: dropped, and harmless
}

TEST(ServerLimitsTest, ReuseAddressLetsARestartBindWhileOldConnectionsAreInTimeWait) {
  Router router;
  AddTestRoutes(router);
  int port = 0;
  {
    HttpServer first(FastOptions(), router);
    port = first.Bind("127.0.0.1", 0);
    std::thread serving([&first] { first.Run(); });
    RawClient client(port);
    ASSERT_TRUE(client.Send(Get("/hello", "Connection: close\r\n")));
    ASSERT_TRUE(client.Read());
    EXPECT_TRUE(client.WaitClosed());  // the server closed first: its end waits in TIME_WAIT
    first.Stop();
    serving.join();
  }
  HttpServer second(FastOptions(), router);
  EXPECT_EQ(second.Bind("127.0.0.1", port), port);
}

}  // namespace
}  // namespace faceloop::http::testing
