// net::HttpClient against a scripted loopback server (tests/support/scripted_http_server.hpp): what
// goes over the wire, which failures are retried and how often, what becomes which faceloop::Error.
#include "net/http_client.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "net/http_status.hpp"
#include "support/error_code.hpp"
#include "support/loopback_socket.hpp"
#include "support/scripted_http_server.hpp"

namespace faceloop::net {
namespace {

using faceloop::testing::CodeOf;
using faceloop::testing::ScriptedHttpServer;
using faceloop::testing::ScriptedReply;
using std::chrono::milliseconds;

// Fast retries, so that tests of retrying do not sleep long.
HttpClientOptions FastOptions(int attempts = 3) {
  HttpClientOptions options;
  options.connect_timeout = milliseconds(1000);
  options.timeout = milliseconds(5000);
  options.retry = {attempts, milliseconds(1), milliseconds(5)};
  return options;
}

HttpRequest Request(std::string method, std::string url) {
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  return request;
}

// Answers with `failing` for the first `failures` requests, then 200 "ok".
ScriptedHttpServer::Handler FailFirst(int failures, ScriptedReply failing) {
  return [=](const auto&, int number) { return number < failures ? failing : ScriptedReply{200, {}, "ok"}; };
}

std::string ErrorText(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

// ---- the status rule ------------------------------------------------------------------------------

TEST(ErrorCodeForStatusTest, MapsWhatAServerSaysToWhatItMeansToOurCaller) {
  for (const long status : {500L, 502L, 503L, 504L, 599L, 408L}) {
    EXPECT_EQ(ErrorCodeForStatus(status), ErrorCode::kUnavailable) << status;
  }
  EXPECT_EQ(ErrorCodeForStatus(429), ErrorCode::kTooManyRequests);
  EXPECT_EQ(ErrorCodeForStatus(413), ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(ErrorCodeForStatus(404), ErrorCode::kNotFound);
  EXPECT_EQ(ErrorCodeForStatus(409), ErrorCode::kConflict);
  // Refusals of our credentials or of what we sent are our problem, not our client's.
  for (const long status : {400L, 401L, 403L, 418L, 422L, 301L, 0L}) {
    EXPECT_EQ(ErrorCodeForStatus(status), ErrorCode::kInternal) << status;
  }
  EXPECT_EQ(StatusError(503, "m").code(), ErrorCode::kUnavailable);
  EXPECT_STREQ(StatusError(503, "m").what(), "m");
}

TEST(IsRetryableStatusTest, OnlyTransientStatuses) {
  for (const long status : {408L, 429L, 500L, 502L, 503L, 504L}) EXPECT_TRUE(IsRetryableStatus(status)) << status;
  for (const long status : {200L, 400L, 403L, 404L, 413L, 501L}) EXPECT_FALSE(IsRetryableStatus(status)) << status;
}

TEST(IsIdempotentMethodTest, FollowsRfc9110) {
  for (const char* method : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}) EXPECT_TRUE(IsIdempotentMethod(method));
  for (const char* method : {"POST", "PATCH", "get"}) EXPECT_FALSE(IsIdempotentMethod(method));
}

// ---- backoff ---------------------------------------------------------------------------------------

TEST(BackoffDelayTest, DoublesUpToTheMaximum) {
  const RetryPolicy policy{5, milliseconds(100), milliseconds(1000)};
  const std::uint64_t top = ~std::uint64_t{0};
  EXPECT_EQ(BackoffDelay(policy, 1, 0), milliseconds(0));
  EXPECT_EQ(BackoffDelay(policy, 1, 100), milliseconds(100));  // random % (cap + 1): cap reachable
  EXPECT_LE(BackoffDelay(policy, 1, top), milliseconds(100));
  EXPECT_EQ(BackoffDelay(policy, 2, 200), milliseconds(200));
  EXPECT_EQ(BackoffDelay(policy, 3, 400), milliseconds(400));
  EXPECT_EQ(BackoffDelay(policy, 5, 1000), milliseconds(1000));    // 1600 capped
  EXPECT_LE(BackoffDelay(policy, 1000, top), milliseconds(1000));  // no overflow for huge counts
  EXPECT_EQ(BackoffDelay({3, milliseconds(0), milliseconds(0)}, 3, top), milliseconds(0));
}

TEST(BackoffDelayTest, FullJitterSpreadsOverTheWholeRange) {
  const RetryPolicy policy{5, milliseconds(100), milliseconds(10000)};
  std::mt19937_64 random(7);
  milliseconds low(100000), high(0);
  for (int i = 0; i < 1000; ++i) {
    const milliseconds delay = BackoffDelay(policy, 4, random());  // cap 800 ms
    low = std::min(low, delay);
    high = std::max(high, delay);
  }
  EXPECT_LT(low, milliseconds(80));
  EXPECT_GT(high, milliseconds(720));
  EXPECT_LE(high, milliseconds(800));
}

// ---- requests and answers ----------------------------------------------------------------------------

TEST(HttpClientTest, RejectsBadOptions) {
  auto options = FastOptions();
  options.retry.max_attempts = 0;
  EXPECT_EQ(CodeOf([&] { HttpClient client(options); }), ErrorCode::kBadRequest);
  options = FastOptions();
  options.timeout = milliseconds(0);
  EXPECT_EQ(CodeOf([&] { HttpClient client(options); }), ErrorCode::kBadRequest);
}

TEST(HttpClientTest, SendsMethodHeadersAndBodyAndReadsTheAnswer) {
  ScriptedHttpServer server([](const auto& request, int) {
    return ScriptedReply{201, {{"X-Echo-Length", std::to_string(request.body.size())}, {"X-Two", "a"}}, "created"};
  });
  HttpClient client(FastOptions());
  std::string body(2 << 20, 'x');  // big enough for libcurl to want "Expect: 100-continue"
  body[12345] = '\0';
  HttpRequest request = Request("PUT", server.url() + "/a/b?x=1");
  request.headers = {{"Content-Type", "application/octet-stream"}, {"X-Custom", "v 1"}};
  request.body = AsBytes(body);
  const HttpResponse response = client.Send(request);

  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.text(), "created");
  EXPECT_EQ(response.Find("x-echo-length"), std::to_string(body.size()));  // case-insensitive
  EXPECT_EQ(response.Find("X-TWO"), "a");
  EXPECT_EQ(response.Find("X-Missing"), std::nullopt);
  const auto received = server.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].method, "PUT");
  EXPECT_EQ(received[0].target, "/a/b?x=1");
  EXPECT_EQ(received[0].Header("X-Custom"), "v 1");
  EXPECT_EQ(received[0].Header("Expect"), std::nullopt);
  EXPECT_TRUE(received[0].body == body);
}

// A receiver we do not run (an alert webhook) cannot make us read without end: the answer comes
// back with its status and the first bytes, marked truncated.
TEST(HttpClientTest, StopsReadingPastTheBodyLimit) {
  ScriptedHttpServer server([](const auto&, int) { return ScriptedReply{202, {}, std::string(1 << 20, 'z')}; });
  HttpClientOptions options = FastOptions();
  options.max_response_bytes = 1000;
  HttpClient client(options);
  const HttpResponse response = client.Send(Request("POST", server.url() + "/hook"));
  EXPECT_EQ(response.status, 202);
  EXPECT_EQ(response.body.size(), 1000u);
  EXPECT_TRUE(response.truncated);

  options.max_response_bytes = 0;  // the default: no limit
  const HttpResponse whole = HttpClient(options).Send(Request("GET", server.url() + "/big"));
  EXPECT_EQ(whole.body.size(), std::size_t{1} << 20);
  EXPECT_FALSE(whole.truncated);
}

TEST(HttpClientTest, EveryMethodArrivesAsItself) {
  ScriptedHttpServer server([](const auto&, int) { return ScriptedReply{200, {}, "body"}; });
  HttpClient client(FastOptions());
  for (const char* method : {"GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"}) {
    const HttpResponse response = client.Send(Request(method, server.url() + "/m"));
    EXPECT_EQ(response.status, 200) << method;
    EXPECT_EQ(response.text(), std::string(method) == "HEAD" ? "" : "body") << method;
  }
  const auto received = server.received();
  ASSERT_EQ(received.size(), 6u);
  std::vector<std::string> methods;
  for (const auto& request : received) methods.push_back(request.method);
  EXPECT_EQ(methods, (std::vector<std::string>{"GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"}));
  EXPECT_EQ(received[2].Header("Content-Length"), "0");  // an empty PUT still says so
}

TEST(HttpClientTest, BasicAuthFromTheOptions) {
  ScriptedHttpServer server([](const auto&, int) { return ScriptedReply{}; });
  auto options = FastOptions();
  options.username = "analyst";
  options.password = "pw";
  HttpClient client(options);
  client.Send(Request("GET", server.url()));
  EXPECT_EQ(server.received().at(0).Header("Authorization"), "Basic YW5hbHlzdDpwdw==");  // analyst:pw
}

TEST(HttpClientTest, ReusesConnections) {
  ScriptedHttpServer server([](const auto&, int) { return ScriptedReply{}; });
  HttpClient client(FastOptions());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client.Send(Request("GET", server.url())).status, 200);
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClientTest, ManyThreadsShareOneClient) {
  ScriptedHttpServer server([](const auto& request, int) { return ScriptedReply{200, {}, request.target}; });
  HttpClient client(FastOptions());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string path = "/" + std::to_string(t) + "/" + std::to_string(i);
        if (client.Send(Request("GET", server.url() + path)).text() != path) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(server.received().size(), 80u);
  EXPECT_LE(server.connections(), 8);
}

// ---- retries -----------------------------------------------------------------------------------------

TEST(HttpClientTest, RetriesIdempotentRequestsOnTransientStatuses) {
  for (const int status : {503, 429, 500, 502, 504, 408}) {
    ScriptedHttpServer server(FailFirst(2, ScriptedReply{status}));
    HttpClient client(FastOptions(3));
    const HttpResponse response = client.Send(Request("PUT", server.url()));
    EXPECT_EQ(response.status, 200) << status;
    EXPECT_EQ(server.received().size(), 3u) << status;
  }
}

TEST(HttpClientTest, ReturnsTheLastAnswerWhenAttemptsRunOut) {
  ScriptedHttpServer server(FailFirst(5, ScriptedReply{503, {{"X-Try", "yes"}}, "busy"}));
  HttpClient client(FastOptions(2));
  const HttpResponse response = client.Send(Request("GET", server.url()));
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.text(), "busy");  // the last answer only, not every attempt's
  EXPECT_EQ(std::count_if(response.headers.begin(), response.headers.end(),
                          [](const Header& h) { return h.name == "X-Try"; }),
            1);
  EXPECT_EQ(server.received().size(), 2u);
}

TEST(HttpClientTest, NeverRetriesPermanentStatuses) {
  for (const int status : {400, 403, 404, 413, 501}) {
    ScriptedHttpServer server(FailFirst(1, ScriptedReply{status}));
    HttpClient client(FastOptions(3));
    EXPECT_EQ(client.Send(Request("GET", server.url())).status, status);
    EXPECT_EQ(server.received().size(), 1u) << status;
  }
}

TEST(HttpClientTest, PostIsSentOnceUnlessMarkedIdempotent) {
  ScriptedHttpServer server(FailFirst(1, ScriptedReply{503}));
  HttpClient client(FastOptions(3));
  EXPECT_EQ(client.Send(Request("POST", server.url())).status, 503);
  EXPECT_EQ(server.received().size(), 1u);

  HttpRequest marked = Request("POST", server.url());
  marked.idempotent = true;
  EXPECT_EQ(client.Send(marked).status, 200);
  HttpRequest unmarked_put = Request("PUT", server.url());
  unmarked_put.idempotent = false;
  EXPECT_EQ(client.Send(unmarked_put).status, 200);
  EXPECT_EQ(server.received().size(), 3u);
}

TEST(HttpClientTest, BrokenConnectionsAreRetriedOnlyWhenIdempotent) {
  ScriptedHttpServer server([](const auto&, int) { return ScriptedReply{.hang_up = true}; });
  HttpClient client(FastOptions(3));
  EXPECT_EQ(CodeOf([&] { client.Send(Request("GET", server.url())); }), ErrorCode::kUnavailable);
  EXPECT_EQ(server.received().size(), 3u);
  EXPECT_EQ(CodeOf([&] { client.Send(Request("POST", server.url())); }), ErrorCode::kUnavailable);
  EXPECT_EQ(server.received().size(), 4u);  // the POST may have been acted on: not sent again
}

TEST(HttpClientTest, RetriedBodyArrivesWholeEachTime) {
  ScriptedHttpServer server(FailFirst(1, ScriptedReply{.hang_up = true}));
  HttpClient client(FastOptions(2));
  const std::string body = "0123456789abcdef";
  HttpRequest request = Request("PUT", server.url());
  request.body = AsBytes(body);
  EXPECT_EQ(client.Send(request).status, 200);
  const auto received = server.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].body, body);
  EXPECT_EQ(received[1].body, body);
}

// ---- failures without an answer ------------------------------------------------------------------------

TEST(HttpClientTest, RefusedConnectionIsUnavailableAndNamesWhatFailed) {
  const faceloop::testing::LoopbackSocket down(/*listen=*/false);  // bound, not listening: refused
  const std::string url = down.url("http");
  auto options = FastOptions(2);
  options.username = "user";
  options.password = "secret-pw";
  HttpClient client(options);
  HttpRequest request = Request("POST", url + "/path?token=secret-query");
  request.what = "test upload";
  const auto start = std::chrono::steady_clock::now();
  const std::string message = ErrorText([&] { client.Send(request); });
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(CodeOf([&] { client.Send(request); }), ErrorCode::kUnavailable);
  EXPECT_NE(message.find("test upload"), std::string::npos) << message;
  EXPECT_NE(message.find(url + "/path"), std::string::npos) << message;
  // Nothing was sent, so even a POST is tried again.
  EXPECT_NE(message.find("2 attempts"), std::string::npos) << message;
  EXPECT_EQ(message.find("secret"), std::string::npos) << message;
}

TEST(HttpClientTest, SlowServerTimesOutAsUnavailable) {
  ScriptedHttpServer server([](const auto&, int) { return ScriptedReply{.delay = milliseconds(3000)}; });
  auto options = FastOptions(1);
  options.timeout = milliseconds(300);
  HttpClient client(options);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(CodeOf([&] { client.Send(Request("GET", server.url())); }), ErrorCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2000));
}

TEST(HttpClientTest, MalformedUrlIsInternalAndNotRetried) {
  HttpClient client(FastOptions(3));
  EXPECT_EQ(CodeOf([&] { client.Send(Request("GET", "ftp://127.0.0.1/x")); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([&] { client.Send(Request("GET", "http://[::1")); }), ErrorCode::kInternal);
}

}  // namespace
}  // namespace faceloop::net
