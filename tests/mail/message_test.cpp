#include "mail/message.hpp"

#include <chrono>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "mail/mime_decode.hpp"
#include "support/error_code.hpp"

namespace faceloop::mail {
namespace {

using faceloop::testing::CodeOf;
using testing::DecodeBase64;
using testing::DecodeHeaderValue;
using testing::DecodeQuotedPrintable;
using testing::ParseMail;

const Envelope kEnvelope{"noreply@faceloop.dev", "Tue, 01 Jul 2025 12:34:56 +0000", "<abc@faceloop.dev>"};

std::string Build(std::string to, std::string subject, std::string body) {
  return BuildMessage(Message{std::move(to), std::move(subject), std::move(body)}, kEnvelope);
}

// Every LF is part of a CRLF and every CR is followed by LF: SMTP forbids bare ones.
bool OnlyCrlf(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) return false;
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) return false;
  }
  return true;
}

std::size_t LongestLine(const std::string& text) {
  std::size_t longest = 0;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = std::min(text.find("\r\n", start), text.size());
    longest = std::max(longest, end - start);
    start = end + 2;
  }
  return longest;
}

TEST(BuildMessageTest, RendersHeadersAndSevenBitBody) {
  EXPECT_EQ(Build("user@example.com", "Your API key", "Hello,\nyour key is fl_1_secret\n"),
            "Date: Tue, 01 Jul 2025 12:34:56 +0000\r\n"
            "From: noreply@faceloop.dev\r\n"
            "To: user@example.com\r\n"
            "Subject: Your API key\r\n"
            "Message-ID: <abc@faceloop.dev>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 7bit\r\n"
            "\r\n"
            "Hello,\r\nyour key is fl_1_secret\r\n");
}

TEST(BuildMessageTest, NormalizesEveryLineEndingToCrlf) {
  const std::string mail = Build("a@example.com", "s", "one\ntwo\r\nthree\rfour");
  EXPECT_TRUE(OnlyCrlf(mail));
  EXPECT_EQ(ParseMail(mail).body, "one\r\ntwo\r\nthree\r\nfour\r\n");
  EXPECT_EQ(ParseMail(Build("a@example.com", "s", "")).body, "");
}

TEST(BuildMessageTest, LeavesDotStuffingToTheTransport) {
  // libcurl doubles a leading dot on the wire; doing it here too would deliver "..".
  EXPECT_EQ(ParseMail(Build("a@example.com", "s", ".hidden\n.\nend")).body, ".hidden\r\n.\r\nend\r\n");
}

TEST(BuildMessageTest, RejectsHeaderInjection) {
  EXPECT_EQ(CodeOf([] { Build("a@example.com\r\nBcc: victim@example.com", "s", "b"); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] { Build("a@example.com", "hi\r\nBcc: victim@example.com", "b"); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] { Build("a@example.com", "hi\nX: y", "b"); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] { Build("a@example.com", "hi\rX: y", "b"); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] { Build("a@example.com", std::string("nul\0x", 5), "b"); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] {
              BuildMessage(Message{"a@example.com", "s", "b"},
                           Envelope{"x@example.com\r\nBcc: v@example.com", kEnvelope.date, kEnvelope.message_id});
            }),
            ErrorCode::kBadRequest);
}

TEST(BuildMessageTest, RejectsInvalidUtf8) {
  EXPECT_EQ(CodeOf([] { Build("a@example.com", "bad \xC3", "b"); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] { Build("a@example.com", "overlong \xC0\xAF", "b"); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] { Build("a@example.com", "s", "surrogate \xED\xA0\x80"); }), ErrorCode::kBadRequest);
}

TEST(BuildMessageTest, ErrorsNeverQuoteTheBody) {
  try {
    Build("not an address", "s", "fl_1_topsecret");
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()).find("topsecret"), std::string::npos);
  }
}

TEST(BuildMessageTest, EncodesNonAsciiSubjectAsWords) {
  const std::string subject = "Grüße aus Köln — ✓ 😀";
  const auto parsed = ParseMail(Build("a@example.com", subject, "b"));
  const std::string header = *parsed.Header("Subject");
  EXPECT_EQ(header.rfind("=?UTF-8?B?", 0), 0u);
  EXPECT_EQ(DecodeHeaderValue(header), subject);
}

TEST(BuildMessageTest, FoldsLongSubjectsWithoutSplittingCharacters) {
  std::string subject;
  for (int i = 0; i < 40; ++i) subject += "ü€😀 ";
  const std::string mail = Build("a@example.com", subject, "b");
  const auto parsed = ParseMail(mail);
  EXPECT_LE(LongestLine(parsed.headers), 78u);
  EXPECT_EQ(DecodeHeaderValue(*parsed.Header("Subject")), subject);
  // Each word must decode on its own (RFC 2047 6.3): no word may start inside a UTF-8 sequence.
  const std::string header = *parsed.Header("Subject");
  std::string_view rest = header;
  for (std::size_t at = rest.find("=?UTF-8?B?"); at != std::string_view::npos; at = rest.find("=?UTF-8?B?")) {
    const std::size_t end = rest.find("?=", at + 10);
    const std::string word = DecodeBase64(rest.substr(at + 10, end - at - 10));
    ASSERT_FALSE(word.empty());
    EXPECT_NE(static_cast<unsigned char>(word.front()) & 0xC0, 0x80);
    rest.remove_prefix(end + 2);
  }
}

TEST(BuildMessageTest, EncodesAsciiSubjectsThatCannotStayPlain) {
  const std::string long_subject(200, 'x');
  const auto parsed = ParseMail(Build("a@example.com", long_subject, "b"));
  EXPECT_LE(LongestLine(parsed.headers), 78u);
  EXPECT_EQ(DecodeHeaderValue(*parsed.Header("Subject")), long_subject);
  // Text that looks like an encoded word must not be decoded by the reader into something else.
  const std::string lookalike = "=?UTF-8?B?SGk=?=";
  const auto tricky = ParseMail(Build("a@example.com", lookalike, "b"));
  EXPECT_NE(*tricky.Header("Subject"), lookalike);
  EXPECT_EQ(DecodeHeaderValue(*tricky.Header("Subject")), lookalike);
}

TEST(BuildMessageTest, UsesQuotedPrintableForNonAsciiBody) {
  const std::string body = "Grüße = greetings \nline with trailing space \n.dot\n";
  const auto parsed = ParseMail(Build("a@example.com", "s", body));
  EXPECT_EQ(*parsed.Header("Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_NE(parsed.body.find("Gr=C3=BC=C3=9Fe =3D greetings=20\r\n"), std::string::npos);
  EXPECT_NE(parsed.body.find("trailing space=20\r\n"), std::string::npos);
  EXPECT_EQ(DecodeQuotedPrintable(parsed.body), "Grüße = greetings \r\nline with trailing space \r\n.dot\r\n");
}

TEST(BuildMessageTest, UsesQuotedPrintableForOverlongLines) {
  const std::string body = std::string(1500, 'a') + "\n" + std::string(300, 'b') + "=ü";
  const auto parsed = ParseMail(Build("a@example.com", "s", body));
  EXPECT_EQ(*parsed.Header("Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_LE(LongestLine(parsed.body), 76u);
  EXPECT_TRUE(OnlyCrlf(parsed.body));
  EXPECT_EQ(DecodeQuotedPrintable(parsed.body), std::string(1500, 'a') + "\r\n" + std::string(300, 'b') + "=ü\r\n");
}

TEST(EncodeQuotedPrintableTest, NeverSplitsAnEscape) {
  // 80 escapes in a row: every soft break must fall between two "=XX" triplets.
  std::string text;
  for (int i = 0; i < 40; ++i) text += "é";
  const std::string encoded = EncodeQuotedPrintable(text);
  EXPECT_LE(LongestLine(encoded), 76u);
  EXPECT_EQ(DecodeQuotedPrintable(encoded), text);
}

TEST(ValidateAddressTest, AcceptsPlainAddressesAndRejectsTheRest) {
  for (const char* good : {"user@example.com", "First.Last+tag@sub.example.co", "a@localhost", "o'neil@x.org"}) {
    EXPECT_NO_THROW(ValidateAddress("recipient", good)) << good;
  }
  for (const char* bad :
       {"", "user", "@example.com", "user@", "a b@example.com", "<user@example.com>", "user@example.com>",
        "Name <user@example.com>", "a@b@c.com", ".a@example.com", "a..b@example.com", "a@-example.com",
        "a@example-.com", "a@exa_mple.com", "ü@example.com", "a@example.com\r\n", "a@example.com,b@example.com"}) {
    EXPECT_EQ(CodeOf([&] { ValidateAddress("recipient", bad); }), ErrorCode::kBadRequest) << bad;
  }
  EXPECT_EQ(CodeOf([] { ValidateAddress("recipient", std::string(65, 'a') + "@example.com"); }),
            ErrorCode::kBadRequest);
}

TEST(FormatDateTest, IsRfc5322InEnglishAndUtc) {
  using std::chrono::seconds;
  using std::chrono::system_clock;
  EXPECT_EQ(FormatDate(system_clock::time_point(seconds(1751373296))), "Tue, 01 Jul 2025 12:34:56 +0000");
  EXPECT_EQ(FormatDate(system_clock::time_point(seconds(1709175845))), "Thu, 29 Feb 2024 03:04:05 +0000");
}

TEST(NewMessageIdTest, IsUniqueAndUsesTheSenderDomain) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.insert(NewMessageId("noreply@faceloop.dev"));
  EXPECT_EQ(ids.size(), 100u);
  const std::string id = *ids.begin();
  EXPECT_EQ(id.size(), 1 + 32 + 1 + std::string("faceloop.dev").size() + 1);
  EXPECT_EQ(id.front(), '<');
  EXPECT_TRUE(id.ends_with("@faceloop.dev>"));
}

}  // namespace
}  // namespace faceloop::mail
