// mail::OpenMailer: the mailer the service gets for its configured mail URL.
#include "mail/open_mailer.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "support/error_code.hpp"

namespace faceloop::mail {
namespace {

using faceloop::testing::CodeOf;

SmtpConfig WithUrl(const char* url) {
  SmtpConfig config;
  config.url = url;
  config.from = "noreply@faceloop.dev";
  return config;
}

TEST(OpenMailerTest, NoUrlMeansNoMailer) { EXPECT_EQ(OpenMailer(WithUrl("")), nullptr); }

TEST(OpenMailerTest, SmtpUrlsGetTheSmtpMailer) {
  for (const char* url : {"smtp://127.0.0.1:25", "smtps://mail.example:465"}) {
    const auto mailer = OpenMailer(WithUrl(url));
    ASSERT_NE(mailer, nullptr) << url;
    EXPECT_EQ(mailer->Name(), "smtp");
  }
}

TEST(OpenMailerTest, OtherSchemesAndBadSettingsAreBadRequests) {
  EXPECT_EQ(CodeOf([] { OpenMailer(WithUrl("http://127.0.0.1:25")); }), ErrorCode::kBadRequest);
  auto config = WithUrl("smtp://127.0.0.1:25");
  config.from = "not an address";
  EXPECT_EQ(CodeOf([&] { OpenMailer(config); }), ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace faceloop::mail
