// Cookie-authenticated writes: same origin (Origin, else Referer) or 403 cross-origin; a body only
// as JSON, an image or a multipart form (415 otherwise); JSON routes take only JSON from a cookie.
// Requests with an API key are not browser-driven and not held to it.
#include "http/cookie_writes.hpp"

#include <gtest/gtest.h>

#include "http/body.hpp"
#include "http/credentials.hpp"
#include "http/typed_error.hpp"
#include "support/error_code.hpp"

namespace faceloop::http {
namespace {

using faceloop::testing::CodeOf;

/// The problem slug ParseCredentials refuses `request` with; "" when it accepts it.
std::string RefusalSlug(const Request& request) {
  try {
    ParseCredentials(request);
    return "";
  } catch (const TypedError& error) {
    return error.code() == ErrorCode::kForbidden ? error.slug() : "wrong code";
  }
}
const std::string kCrossOrigin = kCrossOriginSlug;

Request CookiePost(const std::string& content_type, const std::string& body) {
  Request request;
  request.method = "POST";
  request.headers.Set("Host", "faceloop.example:8080");
  request.headers.Set("Cookie", "faceloop_session=abc");
  if (!content_type.empty()) request.headers.Set("Content-Type", content_type);
  request.body = body;
  return request;
}

TEST(CookieWritesTest, OriginMustBeOursWhenPresent) {
  Request request = CookiePost("application/json", "{}");
  EXPECT_NO_THROW(ParseCredentials(request));  // none: curl, or an older browser
  request.headers.Set("Origin", "http://faceloop.example:8080");
  EXPECT_NO_THROW(ParseCredentials(request));
  request.headers.Set("Origin", "https://evil.example");
  EXPECT_EQ(RefusalSlug(request), kCrossOrigin);
  request.headers.Set("Origin", "null");
  EXPECT_EQ(RefusalSlug(request), kCrossOrigin);
  request.headers.Set("Origin", "https://faceloop.example:8080");  // scheme counts too
  EXPECT_EQ(RefusalSlug(request), kCrossOrigin);
  request.secure = true;
  EXPECT_NO_THROW(ParseCredentials(request));

  Request referred = CookiePost("application/json", "{}");
  referred.headers.Set("Referer", "http://faceloop.example:8080/history?x=1");
  EXPECT_NO_THROW(ParseCredentials(referred));
  referred.headers.Set("Referer", "http://faceloop.example:8080.evil.example/");
  EXPECT_EQ(RefusalSlug(referred), kCrossOrigin);
}

TEST(CookieWritesTest, BodiesOnlyAsJsonImagesOrForms) {
  for (const char* accepted : {"application/json", "Application/JSON; charset=utf-8", "image/png",
                               "multipart/form-data; boundary=x", "application/octet-stream"}) {
    EXPECT_NO_THROW(ParseCredentials(CookiePost(accepted, "x"))) << accepted;
  }
  for (const char* refused : {"text/plain", "application/x-www-form-urlencoded", ""}) {
    EXPECT_EQ(CodeOf([&] { ParseCredentials(CookiePost(refused, "x")); }), ErrorCode::kUnsupportedMediaType) << refused;
  }
  EXPECT_NO_THROW(ParseCredentials(CookiePost("text/plain", "")));  // no body, nothing to type
  Request get = CookiePost("text/plain", "x");
  get.method = "GET";
  EXPECT_NO_THROW(ParseCredentials(get));
}

TEST(CookieWritesTest, JsonRoutesTakeOnlyJsonFromTheCookie) {
  EXPECT_EQ(JsonBody(CookiePost("application/json", R"({"name":"a"})")).at("name"), "a");
  EXPECT_EQ(CodeOf([&] { JsonBody(CookiePost("image/png", R"({"name":"a"})")); }), ErrorCode::kUnsupportedMediaType);
  Request with_key = CookiePost("text/plain", R"({"name":"a"})");
  with_key.headers.Set("Authorization", "Bearer fl_x_y");
  EXPECT_EQ(JsonBody(with_key).at("name"), "a");  // API clients keep their lenient JSON
  EXPECT_NO_THROW(ParseCredentials(with_key));
}

TEST(CookieWritesTest, MediaTypes) {
  EXPECT_EQ(MediaType(" Application/Json ; charset=utf-8"), "application/json");
  EXPECT_EQ(MediaType(""), "");
}

}  // namespace
}  // namespace faceloop::http
