// The rating e-mail's content: every prediction's links in both bodies, the thumbnails as inline
// JPEG parts the HTML references, the opt-out link in the body and as List-Unsubscribe with
// RFC 8058's one-click header, all of it through the real MIME builder; text from data is escaped.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/time.hpp"
#include "mail/message.hpp"
#include "rating/email.hpp"

namespace faceloop::rating {
namespace {

RatedPrediction Prediction(const std::string& id, std::string thumbnail) {
  return {id,
          ParseTimestamp("2026-11-29T10:15:00.000Z"),
          2,
          std::move(thumbnail),
          "https://faceloop.test/v1/rating/feedback?token=flfb_" + id + "&verdict=correct",
          "https://faceloop.test/v1/rating/feedback?token=flfb_" + id + "&verdict=incorrect",
          "https://faceloop.test/history/" + id};
}

TEST(RatingEmailTest, LinksThumbnailsAndOptOut) {
  const std::string opt_out = "https://faceloop.test/v1/rating/unsubscribe?token=flun_x";
  const mail::Message message =
      RenderRatingEmail("ada@example.com", {Prediction("r1", "\xff\xd8jpeg"), Prediction("r<2>", "")}, opt_out);
  EXPECT_EQ(message.to, "ada@example.com");
  ASSERT_EQ(message.inline_parts.size(), 1u);  // the second had no thumbnail
  EXPECT_EQ(message.inline_parts[0].content_type, "image/jpeg");
  EXPECT_NE(message.html_body.find("cid:" + message.inline_parts[0].content_id), std::string::npos);
  for (const std::string& body : {message.text_body, message.html_body}) {
    EXPECT_NE(body.find("unsubscribe?token=flun_x"), std::string::npos);
    EXPECT_NE(body.find("/history/r1"), std::string::npos);
  }
  EXPECT_NE(message.text_body.find("token=flfb_r1&verdict=correct"), std::string::npos);
  EXPECT_NE(message.html_body.find("token=flfb_r1&amp;verdict=incorrect"), std::string::npos);
  EXPECT_EQ(message.html_body.find("r<2>"), std::string::npos);  // escaped
  EXPECT_NE(message.html_body.find("r&lt;2&gt;"), std::string::npos);

  const std::string built =
      mail::BuildMessage(message, {"rating@faceloop.test", "Sun, 29 Nov 2026 10:00:00 +0000", "<1@faceloop.test>"});
  EXPECT_NE(built.find("\r\nList-Unsubscribe: <" + opt_out + ">\r\n"), std::string::npos);
  EXPECT_NE(built.find("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"), std::string::npos);
}

TEST(RatingEmailTest, ExtraHeadersCannotInjectOrReplaceHeaders) {
  mail::Message message{"ada@example.com", "s", "body", "", {}, {{"List-Unsubscribe", "<x>\r\nBcc: eve@example.com"}}};
  const mail::Envelope envelope{"rating@faceloop.test", "Sun, 29 Nov 2026 10:00:00 +0000", "<1@faceloop.test>"};
  EXPECT_THROW(mail::BuildMessage(message, envelope), Error);
  message.headers = {{"Subject", "other"}};
  EXPECT_THROW(mail::BuildMessage(message, envelope), Error);
  message.headers = {{"Content-Type", "text/html"}};
  EXPECT_THROW(mail::BuildMessage(message, envelope), Error);
  message.headers = {{"X-Ok", "fine"}};
  EXPECT_NE(mail::BuildMessage(message, envelope).find("\r\nX-Ok: fine\r\n"), std::string::npos);
}

}  // namespace
}  // namespace faceloop::rating
