#include "http/server/request_parser.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/message.hpp>

#include "http/server/growing_body.hpp"

namespace faceloop::http {
namespace {

using namespace std::string_literals;

struct Outcome {
  bool done = false;
  std::optional<ParseFailure> failure;
  Request request;
  int version = 0;
  bool keep_alive = false;
  std::string rest;  ///< bytes not consumed (a pipelined next request)
};

/// Feeds `bytes` the way a connection does, `piece` bytes per read, until done or failed.
Outcome Parse(std::string_view bytes, std::size_t piece = std::string_view::npos, ParserLimits limits = {}) {
  RequestParser parser(limits);
  std::string buffered;
  std::size_t offset = 0;
  while (!parser.done() && !parser.failure()) {
    const std::size_t used = parser.Feed(buffered);
    buffered.erase(0, used);
    if (used > 0) continue;             // progress: the rest may hold more (the body after the head)
    if (offset >= bytes.size()) break;  // stuck, and nothing left to give
    const std::size_t take = std::min(piece, bytes.size() - offset);
    buffered.append(bytes.substr(offset, take));
    offset += take;
  }
  Outcome outcome;
  outcome.done = parser.done();
  outcome.failure = parser.failure();
  if (parser.head_done()) {
    outcome.version = parser.version();
    outcome.keep_alive = parser.keep_alive();
    outcome.request = std::move(parser.request());
  }
  outcome.rest = buffered + std::string(bytes.substr(offset));
  return outcome;
}

TEST(RequestParserTest, FillsTheRequest) {
  const Outcome outcome = Parse("GET /v1/a%20b?x=1&y=two+words HTTP/1.1\r\nHost: h\r\nX-Thing:  value \r\n\r\n");
  ASSERT_TRUE(outcome.done);
  EXPECT_EQ(outcome.request.method, "GET");
  EXPECT_EQ(outcome.request.target, "/v1/a%20b?x=1&y=two+words");
  EXPECT_EQ(outcome.request.path, "/v1/a b");
  EXPECT_EQ(outcome.request.Param("y"), "two words");
  EXPECT_EQ(outcome.request.Header("x-thing"), "value");
  EXPECT_EQ(outcome.version, 11);
  EXPECT_TRUE(outcome.keep_alive);
  EXPECT_TRUE(outcome.request.body.empty());
}

TEST(RequestParserTest, SameResultByteByByte) {
  const std::string bytes = "POST /p?q=1 HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nContent-Length: 5\r\n\r\nhello";
  const Outcome whole = Parse(bytes);
  const Outcome trickled = Parse(bytes, 1);
  ASSERT_TRUE(whole.done);
  ASSERT_TRUE(trickled.done);
  EXPECT_EQ(trickled.request.headers.fields(), whole.request.headers.fields());
  EXPECT_EQ(trickled.request.body, "hello");
}

TEST(RequestParserTest, ChunkedBody) {
  const std::string bytes =
      "POST /e HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n";
  for (const std::size_t piece : {std::string_view::npos, std::size_t{1}, std::size_t{7}}) {
    const Outcome outcome = Parse(bytes, piece);
    ASSERT_TRUE(outcome.done) << piece;
    EXPECT_EQ(outcome.request.body, "Wikipedia");
  }
}

TEST(RequestParserTest, PostWithoutLengthHasAnEmptyBodyRightAfterTheHead) {
  RequestParser parser(ParserLimits{});
  const std::string head = "POST /e HTTP/1.1\r\nHost: h\r\n\r\n";
  EXPECT_EQ(parser.Feed(head), head.size());
  EXPECT_TRUE(parser.done());
  EXPECT_TRUE(parser.request().body.empty());
}

TEST(RequestParserTest, StopsAtTheEndOfTheFirstPipelinedRequest) {
  const Outcome outcome = Parse("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(outcome.done);
  EXPECT_EQ(outcome.request.path, "/1");
  EXPECT_EQ(outcome.rest, "GET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
}

TEST(RequestParserTest, Http10KeepsAliveOnlyWhenAsked) {
  EXPECT_FALSE(Parse("GET / HTTP/1.0\r\n\r\n").keep_alive);
  const Outcome asked = Parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_TRUE(asked.keep_alive);
  EXPECT_EQ(asked.version, 10);
  EXPECT_FALSE(Parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").keep_alive);
}

TEST(RequestParserTest, WantsContinueOnlyForHttp11WithABodyToCome) {
  const auto wants = [](std::string_view head) {
    RequestParser parser(ParserLimits{});
    parser.Feed(head);
    return parser.head_done() && parser.wants_continue();
  };
  EXPECT_TRUE(wants("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  EXPECT_FALSE(wants("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n"));
  EXPECT_FALSE(wants("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  EXPECT_FALSE(wants("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n"));
}

TEST(RequestParserTest, HeaderLimitCountsTheWholeHead) {
  ParserLimits limits;
  limits.max_header_bytes = 1024;
  std::string head = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 40; ++i) head += "X-" + std::to_string(i) + ": " + std::string(20, 'a') + "\r\n";  // ~1.1 KiB
  const Outcome outcome = Parse(head + "\r\n", 100, limits);
  ASSERT_TRUE(outcome.failure);
  EXPECT_EQ(outcome.failure->status, 431);
  EXPECT_TRUE(Parse(head.substr(0, 900) + "\r\n\r\n", 100, limits).done);
}

TEST(RequestParserTest, HeaderLimitHoldsWhenTheHeadArrivesInPieces) {
  // Beast's own limit applies per put() and it consumes whole fields as they come: fed a field at a
  // time, an endless head would never reach it.
  std::string head = "GET / HTTP/1.1\r\nHost: h\r\n";
  while (head.size() < 64 * 1024) head += "X-Pad: " + std::string(1000, 'a') + "\r\n";
  for (const std::size_t piece : {std::size_t{1009}, std::size_t{4096}}) {
    const Outcome outcome = Parse(head, piece);
    ASSERT_TRUE(outcome.failure) << piece;
    EXPECT_EQ(outcome.failure->status, 431);
    EXPECT_GT(outcome.rest.size(), head.size() - 16 * 1024 - piece);  // refused at the limit, not at the end
  }
}

TEST(RequestParserTest, BodyLimitFromContentLengthBeforeAnyBodyByte) {
  ParserLimits limits;
  limits.max_body_bytes = 100;
  RequestParser parser(limits);
  parser.Feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n");
  ASSERT_TRUE(parser.failure());
  EXPECT_EQ(parser.failure()->status, 413);
  EXPECT_TRUE(
      Parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x'), 30, limits).done);
}

TEST(RequestParserTest, BodyLimitWhileAChunkedBodyArrives) {
  ParserLimits limits;
  limits.max_body_bytes = 100;
  std::string bytes = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 5; ++i) bytes += "19\r\n" + std::string(25, 'x') + "\r\n";  // 125 bytes in all
  const Outcome outcome = Parse(bytes + "0\r\n\r\n", 16, limits);
  ASSERT_TRUE(outcome.failure);
  EXPECT_EQ(outcome.failure->status, 413);
}

struct StrictCase {
  const char* name;
  std::string bytes;
  int status;
};

class StrictnessTest : public ::testing::TestWithParam<StrictCase> {};

TEST_P(StrictnessTest, RefusedWholeAndTrickled) {
  for (const std::size_t piece : {std::string_view::npos, std::size_t{1}, std::size_t{5}}) {
    const Outcome outcome = Parse(GetParam().bytes, piece);
    ASSERT_TRUE(outcome.failure) << "piece " << piece;
    EXPECT_EQ(outcome.failure->status, GetParam().status) << outcome.failure->detail;
    EXPECT_FALSE(outcome.done);
  }
}

// What Beast 1.74 refuses by itself is marked (Beast); the rest are head_checks.cpp.
INSTANTIATE_TEST_SUITE_P(
    Requests, StrictnessTest,
    ::testing::Values(
        StrictCase{"DuplicateEqualContentLength",
                   "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400},
        StrictCase{"ContentLengthList", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc", 400},
        StrictCase{"DifferentContentLengths_Beast",
                   "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400},
        StrictCase{"SignedContentLength_Beast", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\nabc", 400},
        StrictCase{"ContentLengthThenChunked_Beast",
                   "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                   400},
        StrictCase{"ChunkedThenContentLength_Beast",
                   "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
                   400},
        StrictCase{"GzipCodingThenContentLength",
                   "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc", 400},
        StrictCase{
            "TwoTransferEncodings",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400},
        StrictCase{"UnknownTransferCoding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
        StrictCase{"ChunkedInHttp10", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        StrictCase{"ObsFold", "GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n two\r\n\r\n", 400},
        StrictCase{"ObsFoldWithTab", "GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n\ttwo\r\n\r\n", 400},
        StrictCase{"WhitespaceBeforeFirstField", "GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400},
        StrictCase{"NulInValue_Beast", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\0b\r\n\r\n"s, 400},
        StrictCase{"ControlByteInValue_Beast", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\x01z\r\n\r\n", 400},
        StrictCase{"DelInValue_Beast", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\x7fz\r\n\r\n", 400},
        StrictCase{"BareLineFeed_Beast", "GET / HTTP/1.1\nHost: h\n\n", 400},
        StrictCase{"BareCarriageReturn_Beast", "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400},
        StrictCase{"SpaceInFieldName_Beast", "GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n", 400},
        StrictCase{"SpaceBeforeColon_Beast", "GET / HTTP/1.1\r\nHost: h\r\nX-A : x\r\n\r\n", 400},
        StrictCase{"AbsoluteFormTarget", "GET http://example.com/ HTTP/1.1\r\nHost: h\r\n\r\n", 400},
        StrictCase{"AsteriskTarget", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", 400},
        StrictCase{"AuthorityFormTarget", "CONNECT example.com:443 HTTP/1.1\r\nHost: h\r\n\r\n", 400},
        StrictCase{"FragmentInTarget", "GET /a#b HTTP/1.1\r\nHost: h\r\n\r\n", 400},
        StrictCase{"BadPercentInPath", "GET /a%zzb HTTP/1.1\r\nHost: h\r\n\r\n", 400},
        StrictCase{"EncodedNulInPath", "GET /a%00b HTTP/1.1\r\nHost: h\r\n\r\n", 400},
        StrictCase{"BadPercentInQuery", "GET /a?x=%4 HTTP/1.1\r\nHost: h\r\n\r\n", 400},
        StrictCase{"Http2_Beast", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505},
        StrictCase{"Http12_Beast", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505},
        StrictCase{"Http09_Beast", "GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505},
        StrictCase{"MissingHost", "GET / HTTP/1.1\r\nX-A: 1\r\n\r\n", 400},
        StrictCase{"TwoHosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        StrictCase{"UnknownExpectation", "POST / HTTP/1.1\r\nHost: h\r\nExpect: magic\r\nContent-Length: 1\r\n\r\nx",
                   417},
        StrictCase{"GarbageRequestLine_Beast", "HELLO\r\n\r\n", 400},
        StrictCase{"LowercaseVersion_Beast", "GET / http/1.1\r\nHost: h\r\n\r\n", 400}),
    [](const ::testing::TestParamInfo<StrictCase>& info) { return std::string(info.param.name); });

TEST(GrowingBodyTest, DoesNotReserveTheAnnouncedLength) {
  boost::beast::http::request_header<> header;
  std::string body;
  GrowingBody::reader reader(header, body);
  boost::beast::error_code ec;
  reader.init(std::uint64_t{20} * 1024 * 1024, ec);
  ASSERT_FALSE(ec);
  const std::string bytes = "0123456789";
  EXPECT_EQ(reader.put(boost::asio::buffer(bytes), ec), bytes.size());
  reader.finish(ec);
  EXPECT_EQ(body, bytes);
  EXPECT_LT(body.capacity(), 4096u);
}

}  // namespace
}  // namespace faceloop::http
