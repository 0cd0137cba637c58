#include "http/credentials.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace faceloop::http {
namespace {

using Kind = Credentials::Kind;

TEST(AuthTest, BearerApiKeyAndSessionToken) {
  Credentials c = ParseCredentials("Bearer fl_abc_def", "", "");
  EXPECT_EQ(c.kind, Kind::kApiKey);
  EXPECT_EQ(c.secret, "fl_abc_def");
  c = ParseCredentials("bearer   sometoken ", "", "");
  EXPECT_EQ(c.kind, Kind::kSession);
  EXPECT_EQ(c.secret, "sometoken");
}

TEST(AuthTest, XApiKeyAndCookie) {
  Credentials c = ParseCredentials("", "fl_x_y", "");
  EXPECT_EQ(c.kind, Kind::kApiKey);
  c = ParseCredentials("", "", "theme=dark; faceloop_session=tok123; other=1");
  EXPECT_EQ(c.kind, Kind::kSession);
  EXPECT_EQ(c.secret, "tok123");
}

TEST(AuthTest, AuthorizationWinsOverOtherSources) {
  const Credentials c = ParseCredentials("Bearer fl_a_b", "fl_c_d", "faceloop_session=t");
  EXPECT_EQ(c.secret, "fl_a_b");
}

TEST(AuthTest, NothingGivenIsNone) { EXPECT_EQ(ParseCredentials("", "", "a=b").kind, Kind::kNone); }

TEST(AuthTest, MalformedAuthorizationIsUnauthenticated) {
  for (const char* header : {"Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "fl_a_b"}) {
    try {
      ParseCredentials(header, "", "");
      FAIL() << header;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnauthenticated);
      EXPECT_EQ(std::string(e.what()).find("dXNlcjpwYXNz"), std::string::npos) << "must not echo secrets";
    }
  }
}

TEST(AuthTest, CookieValue) {
  EXPECT_EQ(CookieValue("a=1;b=2", "b"), "2");
  EXPECT_EQ(CookieValue("faceloop_sessionx=1", "faceloop_session"), "");
  EXPECT_EQ(CookieValue("", "a"), "");
}

}  // namespace
}  // namespace faceloop::http
