#include "http/server/router.hpp"

#include <gtest/gtest.h>

namespace faceloop::http {
namespace {

SyncHandler Answer(int status) {
  return [status](const Request&, Response& res) { res.status = status; };
}

int StatusOf(const Router::Match& match) {
  Response answer;
  match.route->handler(std::make_shared<Request>(), [&answer](Response r) { answer = std::move(r); });
  return answer.status;
}

TEST(RouterTest, MatchesLiteralsAndPlaceholders) {
  Router router;
  router.Add("GET", "/v1/requests", Answer(201));
  router.Add("GET", "/v1/requests/{id}", Answer(202));
  router.Add("GET", "/v1/requests/{id}/image", Answer(203));

  EXPECT_EQ(StatusOf(router.Find("GET", "/v1/requests")), 201);
  const Router::Match one = router.Find("GET", "/v1/requests/abc123");
  ASSERT_NE(one.route, nullptr);
  EXPECT_EQ(one.params, std::vector<std::string>{"abc123"});
  EXPECT_EQ(StatusOf(one), 202);
  EXPECT_EQ(StatusOf(router.Find("GET", "/v1/requests/abc/image")), 203);
}

TEST(RouterTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Router router;
  router.Add("GET", "/v1/keys", Answer(200));
  router.Add("POST", "/v1/keys", Answer(201));
  EXPECT_EQ(router.Find("GET", "/v1/nothing").miss_status, 404);
  EXPECT_EQ(router.Find("GET", "/v1/keys/").miss_status, 404);  // an empty segment is not a placeholder value
  const Router::Match miss = router.Find("TRACE", "/v1/keys");
  EXPECT_EQ(miss.route, nullptr);
  EXPECT_EQ(miss.miss_status, 405);
  EXPECT_EQ(miss.allow, "GET, HEAD, POST");
}

TEST(RouterTest, HeadIsServedByGetAndDuplicatesAreRefused) {
  Router router;
  router.Add("GET", "/healthz", Answer(200));
  EXPECT_NE(router.Find("HEAD", "/healthz").route, nullptr);
  EXPECT_THROW(router.Add("GET", "/healthz", Answer(200)), std::invalid_argument);
}

TEST(HeadersTest, NamesAreCaseInsensitive) {
  Headers headers;
  headers.Add("Content-Type", "a");
  EXPECT_EQ(headers.Get("content-type"), "a");
  headers.Set("CONTENT-TYPE", "b");
  EXPECT_EQ(headers.fields().size(), 1u);
  EXPECT_EQ(headers.Get("Content-Type"), "b");
  headers.Remove("content-TYPE");
  EXPECT_FALSE(headers.Has("Content-Type"));
}

}  // namespace
}  // namespace faceloop::http
