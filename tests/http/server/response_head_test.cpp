#include "http/server/response_head.hpp"

#include <gtest/gtest.h>

namespace faceloop::http {
namespace {

Response Hello() {
  Response response;
  response.SetContent("hello", "text/plain");
  return response;
}

TEST(ResponseHeadTest, StatusLineFieldsLengthAndRequestId) {
  EXPECT_EQ(SerializeHead(Hello(), Framing{11, true, false, "r-1"}),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Request-Id: r-1\r\nContent-Length: 5\r\n\r\n");
}

TEST(ResponseHeadTest, ConnectionHeaderFollowsVersionAndKeepAlive) {
  const std::string closing = SerializeHead(Hello(), Framing{11, false, false, "r"});
  EXPECT_NE(closing.find("\r\nConnection: close\r\n"), std::string::npos);
  const std::string old_kept = SerializeHead(Hello(), Framing{10, true, false, "r"});
  EXPECT_NE(old_kept.find("\r\nConnection: keep-alive\r\n"), std::string::npos);
  const std::string kept = SerializeHead(Hello(), Framing{11, true, false, "r"});
  EXPECT_EQ(kept.find("Connection:"), std::string::npos);  // HTTP/1.1 keeps alive by default
}

TEST(ResponseHeadTest, HeadAnswersTheLengthWithoutTheBody) {
  const Framing head{11, true, true, "r"};
  EXPECT_NE(SerializeHead(Hello(), head).find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_FALSE(SendsBody(Hello(), head));
  EXPECT_TRUE(SendsBody(Hello(), Framing{11, true, false, "r"}));
}

TEST(ResponseHeadTest, NoContentStatusesHaveNoLengthNorBody) {
  Response response;
  response.status = 204;
  EXPECT_EQ(SerializeHead(response, Framing{11, true, false, "r"}),
            "HTTP/1.1 204 No Content\r\nX-Request-Id: r\r\n\r\n");
  EXPECT_FALSE(SendsBody(response, Framing{11, true, false, "r"}));
}

TEST(ResponseHeadTest, EngineOwnsFramingAndDropsFieldsThatWouldBreakTheMessage) {
  Response response = Hello();
  response.headers.Add("Content-Length", "999");
  response.headers.Add("Transfer-Encoding", "chunked");
  response.headers.Add("connection", "keep-alive");
  response.headers.Add("X-Request-Id", "forged");
  response.headers.Add("Location", "/a\r\nSet-Cookie: evil=1");
  response.headers.Add("Bad Name", "x");
  response.headers.Add("X-Nul", std::string("a\0b", 3));
  response.headers.Add("X-Fine", "tab\tis fine");
  const std::string head = SerializeHead(response, Framing{11, true, false, "r-9"});
  EXPECT_EQ(head,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Fine: tab\tis fine\r\nX-Request-Id: r-9\r\n"
            "Content-Length: 5\r\n\r\n");
}

TEST(ResponseHeadTest, UnknownStatusHasAnEmptyReason) {
  Response response;
  response.status = 299;
  EXPECT_TRUE(SerializeHead(response, Framing{11, true, false, "r"}).starts_with("HTTP/1.1 299 \r\n"));
}

}  // namespace
}  // namespace faceloop::http
