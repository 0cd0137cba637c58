// Which requests must carry the CSRF token: cookie sessions on methods that change something.
#include <gtest/gtest.h>

#include "http/credentials.hpp"

namespace faceloop::http {
namespace {

Request With(const std::string& method, const std::string& header, const std::string& value) {
  Request request;
  request.method = method;
  request.headers.Set(header, value);
  request.headers.Set("X-CSRF-Token", " tok ");
  return request;
}

TEST(CsrfCredentialsTest, CookieOnStateChangingMethodsNeedsTheToken) {
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
    const Credentials c = ParseCredentials(With(method, "Cookie", "faceloop_session=abc"));
    EXPECT_TRUE(c.from_cookie);
    EXPECT_TRUE(c.csrf_required) << method;
    EXPECT_EQ(c.csrf_token, "tok");
  }
  for (const char* method : {"GET", "HEAD", "OPTIONS"}) {
    EXPECT_FALSE(ParseCredentials(With(method, "Cookie", "faceloop_session=abc")).csrf_required) << method;
  }
}

TEST(CsrfCredentialsTest, HeadersThatAScriptMustSetNeedNoToken) {
  // A cross-site page cannot set Authorization or X-API-Key without CORS, which faceloop never allows.
  EXPECT_FALSE(ParseCredentials(With("POST", "Authorization", "Bearer sessiontoken")).csrf_required);
  EXPECT_FALSE(ParseCredentials(With("POST", "X-API-Key", "fl_a_b")).csrf_required);
}

}  // namespace
}  // namespace faceloop::http
