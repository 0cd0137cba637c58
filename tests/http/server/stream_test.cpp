// Streamed response bodies (Response::SetStream): the exact length, any size in fixed chunks,
// keep-alive afterwards, HEAD without the body, and a source that ends early closing the
// connection (the head already promised a length).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "http/server/http_server.hpp"
#include "http/server/raw_client.hpp"
#include "http/server/test_server.hpp"

namespace faceloop::http::testing {
namespace {

constexpr std::uint64_t kLength = 3 * 1024 * 1024 + 17;  // several chunks and a partial one

/// The byte at `offset` of the test body.
char ByteAt(std::uint64_t offset) { return static_cast<char>('a' + offset % 26); }

BodySource Pattern(std::uint64_t length, std::shared_ptr<std::atomic<std::size_t>> largest) {
  auto at = std::make_shared<std::uint64_t>(0);
  return [at, length, largest](char* out, std::size_t capacity) {
    std::size_t n = 0;
    while (n < capacity && *at < length) out[n++] = ByteAt((*at)++);
    if (n > largest->load()) largest->store(n);
    return n;
  };
}

void AddStreamRoutes(Router& router, std::shared_ptr<std::atomic<std::size_t>> largest) {
  AddTestRoutes(router);
  router.Add("GET", "/stream", SyncHandler([largest](const Request&, Response& response) {
               response.SetStream(kLength, Pattern(kLength, largest), "application/octet-stream");
             }));
  router.Add("GET", "/short", SyncHandler([largest](const Request&, Response& response) {
               response.SetStream(kLength, Pattern(1000, largest), "application/octet-stream");
             }));
}

TEST(HttpStreamTest, SendsTheWholeBodyInBoundedChunksAndKeepsTheConnection) {
  auto largest = std::make_shared<std::atomic<std::size_t>>(0);
  TestServer server(FastOptions(), [largest](Router& router) { AddStreamRoutes(router, largest); });
  RawClient client(server.port());
  ASSERT_TRUE(client.Send(Get("/stream")));
  const auto response = client.Read(std::chrono::seconds(30));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->Header("Content-Length"), std::to_string(kLength));
  ASSERT_EQ(response->body.size(), kLength);
  bool same = true;
  for (std::uint64_t i = 0; i < kLength && same; ++i) same = response->body[i] == ByteAt(i);
  EXPECT_TRUE(same);
  EXPECT_LE(largest->load(), 256u * 1024);  // never more than one chunk asked for at once
  ASSERT_TRUE(client.Send(Get("/hello")));
  const auto next = client.Read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "hello");
}

TEST(HttpStreamTest, HeadGetsTheLengthWithoutTheBody) {
  auto largest = std::make_shared<std::atomic<std::size_t>>(0);
  TestServer server(FastOptions(), [largest](Router& router) { AddStreamRoutes(router, largest); });
  RawClient client(server.port());
  ASSERT_TRUE(client.Send("HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n"));
  const auto response = client.Read(std::chrono::seconds(5), /*head_request=*/true);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->Header("Content-Length"), std::to_string(kLength));
  EXPECT_EQ(largest->load(), 0u);
}

TEST(HttpStreamTest, ASourceThatEndsEarlyClosesTheConnection) {
  auto largest = std::make_shared<std::atomic<std::size_t>>(0);
  TestServer server(FastOptions(), [largest](Router& router) { AddStreamRoutes(router, largest); });
  RawClient client(server.port());
  ASSERT_TRUE(client.Send(Get("/short")));
  EXPECT_TRUE(client.WaitClosed());
}

}  // namespace
}  // namespace faceloop::http::testing
