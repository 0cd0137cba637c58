// HttpServer against clients that try to exhaust it: hundreds of slow or idle connections, and
// heads that never end. Others must still be served quickly, and memory must stay bounded.
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "http/server/http_server.hpp"
#include "http/server/raw_client.hpp"
#include "http/server/test_server.hpp"

namespace faceloop::http::testing {
namespace {

using Clock = std::chrono::steady_clock;

/// Raises the soft open-file limit towards `wanted`; false when the hard limit is below it.
bool AllowOpenFiles(rlim_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  if (limit.rlim_cur >= wanted) return true;
  if (limit.rlim_max < wanted) return false;
  limit.rlim_cur = wanted;
  return setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

struct Latencies {
  int answered = 0;
  int failed = 0;
  Clock::duration worst{};
};

/// A well-behaved client: a fresh connection and one GET every 20 ms until `until`.
Latencies ServeNormalClient(int port, Clock::time_point until) {
  Latencies result;
  while (Clock::now() < until) {
    const auto start = Clock::now();
    RawClient client(port);
    const bool ok = client.Send(Get("/hello")) && client.Read(std::chrono::seconds(3)).has_value();
    ok ? ++result.answered : ++result.failed;
    result.worst = std::max(result.worst, Clock::now() - start);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return result;
}

TEST(HostileClientsTest, FiveHundredSlowAndFiveHundredIdleConnectionsDoNotStarveOthers) {
  constexpr int kEach = 500;
  if (!AllowOpenFiles(4 * kEach + 256)) GTEST_SKIP() << "needs an open-file limit of " << 4 * kEach + 256;
  ServerOptions options = FastOptions();
  options.head_timeout = std::chrono::seconds(2);
  options.idle_timeout = std::chrono::seconds(3);
  options.max_connections = 4 * kEach;
  options.max_connections_per_ip = 3 * kEach;  // this test is about the event loop, not the per-IP limit
  TestServer server(options, AddTestRoutes);

  // From 127.0.0.2, so the normal client on 127.0.0.1 is a different address.
  std::vector<std::unique_ptr<RawClient>> slow, idle;
  for (int i = 0; i < kEach; ++i) {
    slow.push_back(std::make_unique<RawClient>(server.port(), "127.0.0.2"));
    ASSERT_TRUE(slow.back()->Send("GET /hello HTTP/1.1\r\nHost: t\r\n"));
    idle.push_back(std::make_unique<RawClient>(server.port(), "127.0.0.2"));
  }
  const auto opened = Clock::now();
  for (int wait = 0; wait < 100 && server.server().connection_count() < 2 * kEach; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(server.server().connection_count(), 2u * kEach);  // all accepted and held, none refused

  std::atomic<bool> trickling{true};
  std::thread slowloris([&] {  // a header byte a second on every slow connection
    const std::string header = "X-Slow: abcdefgh\r\n";
    for (std::size_t i = 0; trickling && i < header.size(); ++i) {
      for (auto& client : slow) client->Send(header.substr(i, 1));
      for (int tick = 0; trickling && tick < 10; ++tick) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  const Latencies normal = ServeNormalClient(server.port(), opened + std::chrono::milliseconds(3500));
  trickling = false;
  slowloris.join();

  std::printf("normal client under attack: %d answered, %d failed, worst %.1f ms\n", normal.answered, normal.failed,
              std::chrono::duration<double, std::milli>(normal.worst).count());
  EXPECT_EQ(normal.failed, 0);
  EXPECT_GT(normal.answered, 50);
  EXPECT_LT(normal.worst, std::chrono::milliseconds(1000)) << "worst latency under attack";
  // The head deadline (2 s) cut every slow one with a 408; the idle timeout (3 s) every idle one.
  int slow_408 = 0, idle_closed = 0;
  for (auto& client : slow) {
    if (client->WaitClosed(std::chrono::milliseconds(2000)) && client->pending().starts_with("HTTP/1.1 408")) {
      ++slow_408;
    }
  }
  for (auto& client : idle) idle_closed += client->WaitClosed(std::chrono::milliseconds(2000)) ? 1 : 0;
  EXPECT_EQ(slow_408, kEach);
  EXPECT_EQ(idle_closed, kEach);
}

/// Streams header lines until the server cuts the connection (or 32 MiB, which would be a failure).
struct Stream {
  std::size_t sent = 0;
  std::string answer;
};

Stream StreamEndlessHead(int port) {
  Stream stream;
  RawClient client(port);
  const std::string line = "X-Pad: " + std::string(1000, 'a') + "\r\n";
  if (!client.Send("GET /hello HTTP/1.1\r\nHost: t\r\n")) return stream;
  while (stream.sent < 32u * 1024 * 1024 && client.Send(line)) {
    stream.sent += line.size();
    pollfd poller{client.fd(), POLLIN, 0};
    if (stream.answer.size() < 64 && ::poll(&poller, 1, 0) > 0) {  // keep the answer, keep sending
      char bytes[64];
      const ssize_t got = ::recv(client.fd(), bytes, sizeof bytes, 0);
      if (got > 0) stream.answer.append(bytes, static_cast<std::size_t>(got));
    }
  }
  // Sends blocked on full socket buffers until the server closed: the answer is waiting unread.
  client.WaitClosed(std::chrono::seconds(1));
  stream.answer += client.pending();
  return stream;
}

TEST(HostileClientsTest, EndlessHeadsAreCutAtTheLimitAndMemoryStaysBounded) {
  ServerOptions options = FastOptions();  // the default 16 KiB head limit
  TestServer server(options, AddTestRoutes);
  const long rss_before = ResidentKiB();
  std::vector<std::thread> attackers;
  std::vector<Stream> streams(4);
  for (std::size_t i = 0; i < streams.size(); ++i) {
    attackers.emplace_back([&, i] { streams[i] = StreamEndlessHead(server.port()); });
  }
  for (std::thread& attacker : attackers) attacker.join();
  const long rss_after = ResidentKiB();
  std::printf("endless heads: RSS %ld -> %ld KiB, sent per connection:", rss_before, rss_after);
  for (const Stream& stream : streams) std::printf(" %zu", stream.sent);
  std::printf(" bytes\n");
  for (const Stream& stream : streams) {
    EXPECT_TRUE(stream.answer.starts_with("HTTP/1.1 431")) << "[" << stream.answer << "] sent " << stream.sent;
    EXPECT_LT(stream.sent, 32u * 1024 * 1024) << "never cut";
  }
  EXPECT_LT(rss_after - rss_before, 32 * 1024) << "KiB grown: " << rss_after - rss_before;
  for (int wait = 0; wait < 100 && server.server().connection_count() > 0; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(server.server().connection_count(), 0u);  // closed, buffers freed
  RawClient normal(server.port());
  ASSERT_TRUE(normal.Send(Get("/hello")));
  EXPECT_TRUE(normal.Read());
}

}  // namespace
}  // namespace faceloop::http::testing
