#include "mail/smtp_mailer.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "mail/mime_decode.hpp"
#include "support/error_code.hpp"
#include "support/loopback_socket.hpp"
#include "support/servers.hpp"

namespace faceloop::mail {
namespace {

using faceloop::testing::CodeOf;
using faceloop::testing::LoopbackSocket;
using testing::DecodeHeaderValue;
using testing::ParsedMail;
using testing::ParseMail;

// ---- Without a server: configuration, refused and silent endpoints. ----

SmtpConfig ConfigFor(std::string url) {
  SmtpConfig config;
  config.url = std::move(url);
  config.from = "noreply@faceloop.dev";
  config.timeout_s = 5;
  return config;
}

TEST(SmtpMailerTest, ChecksConfigurationUpFront) {
  EXPECT_EQ(MakeSmtpMailer(ConfigFor("smtp://127.0.0.1:25"))->Name(), "smtp");
  EXPECT_NO_THROW(MakeSmtpMailer(ConfigFor("SMTPS://mail.example.com:465")));
  EXPECT_EQ(CodeOf([] { MakeSmtpMailer(ConfigFor("http://127.0.0.1:25")); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] { MakeSmtpMailer(ConfigFor("127.0.0.1:25")); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] {
              auto config = ConfigFor("smtp://127.0.0.1:25");
              config.from = "x@example.com\r\nBcc: v@example.com";
              MakeSmtpMailer(config);
            }),
            ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] {
              auto config = ConfigFor("smtp://127.0.0.1:25");
              config.timeout_s = 0;
              MakeSmtpMailer(config);
            }),
            ErrorCode::kBadRequest);
}

TEST(SmtpMailerTest, InvalidRecipientIsBadRequestBeforeAnyConnection) {
  const LoopbackSocket closed(/*listen=*/false);
  const auto mailer = MakeSmtpMailer(ConfigFor(closed.url("smtp")));
  EXPECT_EQ(CodeOf([&] { mailer->Send({"not-an-address", "s", "b"}); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([&] {
              mailer->Send({"a@example.com\r\nRCPT TO:<v@example.com>", "s", "b"});
            }),
            ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([&] { mailer->Send({"a@example.com", "s\r\nBcc: v@example.com", "b"}); }), ErrorCode::kBadRequest);
}

TEST(SmtpMailerTest, RefusedConnectionIsUnavailable) {
  const LoopbackSocket closed(/*listen=*/false);  // bound, not listening: connections are refused
  const auto mailer = MakeSmtpMailer(ConfigFor(closed.url("smtp")));
  try {
    mailer->Send({"user@example.com", "s", "fl_1_bodysecret"});
    FAIL() << "sent to a closed port";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kUnavailable);
    EXPECT_NE(std::string(error.what()).find(closed.url("smtp")), std::string::npos) << error.what();
    EXPECT_EQ(std::string(error.what()).find("bodysecret"), std::string::npos) << error.what();
  }
}

TEST(SmtpMailerTest, SilentServerTimesOutAsUnavailable) {
  const LoopbackSocket silent(/*listen=*/true);  // the kernel accepts, nobody ever greets
  auto config = ConfigFor(silent.url("smtp"));
  config.timeout_s = 1;
  const auto mailer = MakeSmtpMailer(config);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(CodeOf([&] { mailer->Send({"user@example.com", "s", "b"}); }), ErrorCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// ---- Against the real server of tests/servers/smtp.sh. ----

struct SmtpServer {
  std::string plain_url, starttls_url, smtps_url, user, password, ca_file;
  std::filesystem::path maildir;
};

std::optional<SmtpServer> ServerFromEnvironment() {
  using faceloop::testing::ServerEnv;
  auto plain = ServerEnv("FACELOOP_TEST_SMTP_URL"), starttls = ServerEnv("FACELOOP_TEST_SMTP_STARTTLS_URL"),
       smtps = ServerEnv("FACELOOP_TEST_SMTPS_URL"), user = ServerEnv("FACELOOP_TEST_SMTP_USER"),
       password = ServerEnv("FACELOOP_TEST_SMTP_PASSWORD"), ca_file = ServerEnv("FACELOOP_TEST_SMTP_CA_FILE"),
       maildir = ServerEnv("FACELOOP_TEST_SMTP_MAILDIR");
  if (!plain || !starttls || !smtps || !user || !password || !ca_file || !maildir) return std::nullopt;
  return SmtpServer{*plain, *starttls, *smtps, *user, *password, *ca_file, *maildir};
}

class SmtpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerFromEnvironment();
    if (!server) {
      if (faceloop::testing::ServersRequired()) {
        FAIL() << "FACELOOP_REQUIRE_SERVERS=1 but no SMTP server: run tests/servers/smtp.sh start DIR "
                  "and source DIR/smtp.env";
      }
      GTEST_SKIP() << "no SMTP server (tests/servers/smtp.sh start DIR; source DIR/smtp.env)";
    }
    server_ = std::move(*server);
  }

  SmtpConfig Authenticated(std::string url) const {
    SmtpConfig config = ConfigFor(std::move(url));
    config.username = server_.user;
    config.password = server_.password;
    config.ca_file = server_.ca_file;
    config.starttls = SmtpConfig::Tls::kRequired;
    return config;
  }

  // A recipient no other test (or earlier run against the same server) uses.
  static std::string UniqueRecipient() {
    static std::atomic<int> counter{0};
    const auto now = std::chrono::system_clock::now().time_since_epoch().count();
    return "t" + std::to_string(::getpid()) + "-" + std::to_string(now) + "-" + std::to_string(counter++) +
           "@example.com";
  }

  // The delivered message whose envelope recipient is `to`. The sink stores a message before it
  // answers 250, so it is there as soon as Send returns; no waiting.
  std::optional<ParsedMail> Delivered(const std::string& to) const {
    for (const auto& entry : std::filesystem::directory_iterator(server_.maildir)) {
      if (entry.path().extension() != ".eml") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      ParsedMail mail = ParseMail(text.str());
      if (mail.Header("X-Sink-Rcpt-To") == to) return mail;
    }
    return std::nullopt;
  }

  SmtpServer server_;
};

TEST_F(SmtpServerTest, PlainSendIsDeliveredIntact) {
  const auto mailer = MakeSmtpMailer(ConfigFor(server_.plain_url));
  const std::string to = UniqueRecipient();
  const std::string subject = "Willkommen bei faceloop — Grüße ✓";
  mailer->Send({to, subject, "Hello,\n.a line starting with a dot\n.\n..two dots\nyour key: fl_1_x\n"});

  const auto mail = Delivered(to);
  ASSERT_TRUE(mail.has_value()) << "no message for " << to << " in " << server_.maildir;
  EXPECT_EQ(mail->Header("X-Sink-Mail-From"), "noreply@faceloop.dev");
  EXPECT_EQ(mail->Header("X-Sink-TLS"), "no");
  EXPECT_EQ(mail->Header("To"), to);
  EXPECT_EQ(mail->Header("From"), "noreply@faceloop.dev");
  EXPECT_EQ(DecodeHeaderValue(*mail->Header("Subject")), subject);
  EXPECT_EQ(mail->Header("Content-Type"), "text/plain; charset=utf-8");
  ASSERT_TRUE(mail->Header("Message-ID").has_value());
  ASSERT_TRUE(mail->Header("Date").has_value());
  // After the server's dot-unstuffing the body is what was sent: curl stuffed each leading dot once.
  EXPECT_EQ(mail->body, "Hello,\r\n.a line starting with a dot\r\n.\r\n..two dots\r\nyour key: fl_1_x\r\n");
}

TEST_F(SmtpServerTest, NonAsciiBodyArrivesAsQuotedPrintable) {
  const auto mailer = MakeSmtpMailer(ConfigFor(server_.plain_url));
  const std::string to = UniqueRecipient();
  mailer->Send({to, "s", "Grüße\n.dot € " + std::string(100, 'x') + "\n"});
  const auto mail = Delivered(to);
  ASSERT_TRUE(mail.has_value());
  EXPECT_EQ(mail->Header("Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_EQ(testing::DecodeQuotedPrintable(mail->body), "Grüße\r\n.dot € " + std::string(100, 'x') + "\r\n");
}

TEST_F(SmtpServerTest, StartTlsWithAuthDelivers) {
  const auto mailer = MakeSmtpMailer(Authenticated(server_.starttls_url));
  const std::string to = UniqueRecipient();
  mailer->Send({to, "over STARTTLS", "body\n"});
  const auto mail = Delivered(to);
  ASSERT_TRUE(mail.has_value());
  EXPECT_EQ(mail->Header("X-Sink-TLS"), "yes");
  EXPECT_EQ(mail->Header("X-Sink-Auth-User"), server_.user);
  EXPECT_EQ(mail->Header("Subject"), "over STARTTLS");
}

TEST_F(SmtpServerTest, ImplicitTlsWithAuthDelivers) {
  const auto mailer = MakeSmtpMailer(Authenticated(server_.smtps_url));
  const std::string to = UniqueRecipient();
  mailer->Send({to, "over SMTPS", "body\n"});
  const auto mail = Delivered(to);
  ASSERT_TRUE(mail.has_value());
  EXPECT_EQ(mail->Header("X-Sink-TLS"), "yes");
  EXPECT_EQ(mail->Header("X-Sink-Auth-User"), server_.user);
}

TEST_F(SmtpServerTest, WrongPasswordIsUnavailableAndNotQuoted) {
  auto config = Authenticated(server_.starttls_url);
  config.password = "wrong-password-4711";
  const auto mailer = MakeSmtpMailer(config);
  try {
    mailer->Send({UniqueRecipient(), "s", "fl_1_bodysecret"});
    FAIL() << "sent with a wrong password";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kUnavailable);
    const std::string what = error.what();
    EXPECT_NE(what.find("535"), std::string::npos) << what;  // the server's "credentials invalid"
    EXPECT_EQ(what.find("4711"), std::string::npos) << what;
    EXPECT_EQ(what.find("bodysecret"), std::string::npos) << what;
  }
}

TEST_F(SmtpServerTest, UntrustedCertificateIsRejected) {
  auto config = Authenticated(server_.starttls_url);
  config.ca_file.clear();  // the system's CAs do not know the test certificate
  EXPECT_EQ(CodeOf([&] { MakeSmtpMailer(config)->Send({UniqueRecipient(), "s", "b"}); }), ErrorCode::kUnavailable);
  config.verify_peer = false;  // what a test against a self-signed server without its CA may do
  const std::string to = UniqueRecipient();
  MakeSmtpMailer(config)->Send({to, "s", "b"});
  EXPECT_TRUE(Delivered(to).has_value());
}

TEST_F(SmtpServerTest, CredentialsAreNeverSentWithoutTls) {
  // kTry with a username behaves as kRequired: the plain server offers no STARTTLS, so no AUTH.
  auto config = Authenticated(server_.plain_url);
  config.starttls = SmtpConfig::Tls::kTry;
  const std::string to = UniqueRecipient();
  EXPECT_EQ(CodeOf([&] { MakeSmtpMailer(config)->Send({to, "s", "b"}); }), ErrorCode::kUnavailable);
  EXPECT_FALSE(Delivered(to).has_value());
}

TEST_F(SmtpServerTest, ServerRequiringStartTlsRefusesCleartext) {
  auto config = ConfigFor(server_.starttls_url);
  config.starttls = SmtpConfig::Tls::kNone;
  EXPECT_EQ(CodeOf([&] { MakeSmtpMailer(config)->Send({UniqueRecipient(), "s", "b"}); }), ErrorCode::kUnavailable);
}

TEST_F(SmtpServerTest, ConcurrentSendsAllArrive) {
  const auto mailer = MakeSmtpMailer(Authenticated(server_.starttls_url));
  std::vector<std::string> recipients;
  for (int i = 0; i < 8; ++i) recipients.push_back(UniqueRecipient());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (const auto& to : recipients) {
    threads.emplace_back([&, to] {
      try {
        mailer->Send({to, "concurrent", "body\n"});
      } catch (const Error&) {
        ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  for (const auto& to : recipients) EXPECT_TRUE(Delivered(to).has_value()) << to;
}

}  // namespace
}  // namespace faceloop::mail
