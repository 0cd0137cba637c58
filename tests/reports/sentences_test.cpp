// The findings in words, and HTML escaping of everything the e-mail takes from data.
#include "reports/sentences.hpp"

#include <gtest/gtest.h>

#include "reports/email.hpp"

namespace faceloop::reports {
namespace {

TEST(SentencesTest, SaysWhereConfidenceIsLower) {
  EXPECT_EQ(CorrelationSentence("image.contrast", "confidence_max", 0.41, 12304),
            "confidence is lower for low-contrast images: Spearman 0.41, n = 12,304");
  EXPECT_EQ(CorrelationSentence("image.contrast", "confidence_max", -0.41, 12304),
            "confidence is lower for high-contrast images: Spearman -0.41, n = 12,304");
  EXPECT_EQ(CorrelationSentence("image.brightness", "confidence_mean", 0.256, 987),
            "mean face confidence is lower for dark images: Spearman 0.26, n = 987");
  EXPECT_EQ(CorrelationSentence("image.novel_field", "confidence_max", -0.2, 50),
            "confidence is lower for images with high novel_field: Spearman -0.20, n = 50");
}

TEST(SentencesTest, GroupsThousands) {
  EXPECT_EQ(GroupThousands(0), "0");
  EXPECT_EQ(GroupThousands(999), "999");
  EXPECT_EQ(GroupThousands(1000), "1,000");
  EXPECT_EQ(GroupThousands(1234567), "1,234,567");
}

TEST(EmailTest, EscapesHtml) { EXPECT_EQ(EscapeHtml("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"); }

TEST(EmailTest, EscapesDataInTheHtmlBody) {
  Report report;
  report.id = "day-20250330T0000Z";
  report.period = "day";
  report.first_day = "2025-03-30";
  report.time_zone = "UTC";
  SliceReport model;
  model.model_name = "<script>alert(1)</script>";
  report.models.push_back(model);
  const mail::Message message = RenderReportEmail(report, "analyst@example.com", "");
  EXPECT_EQ(message.html_body.find("<script>"), std::string::npos);
  EXPECT_NE(message.html_body.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(message.inline_parts.size(), 3u);
  EXPECT_NE(message.html_body.find("cid:confidence.png"), std::string::npos);
}

}  // namespace
}  // namespace faceloop::reports
