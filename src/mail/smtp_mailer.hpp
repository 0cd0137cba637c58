#pragma once
// IMailer over SMTP (libcurl): smtp:// with optional or required STARTTLS, or smtps:// (implicit TLS).
#include <memory>
#include <string>

#include "mail/mailer.hpp"

namespace faceloop::mail {

struct SmtpConfig {
  std::string url;                 ///< smtp://host:port or smtps://host:port (implicit TLS)
  std::string from;                ///< envelope sender and From: header address (addr-spec)
  std::string username, password;  ///< AUTH when username is non-empty
  enum class Tls { kNone, kTry, kRequired } starttls = Tls::kTry;  ///< STARTTLS for smtp://
  bool verify_peer = true;  ///< false only for tests with self-signed certificates
  std::string ca_file;      ///< optional CA bundle (PEM) instead of the system's
  int timeout_s = 10;       ///< connect and whole-transaction limit for one Send
};

/// Checks `config` (scheme, sender address, timeout; kBadRequest naming the field otherwise) and
/// returns a mailer. Credentials are never sent in clear text unless `starttls` is kNone explicitly:
/// with a username, kTry behaves as kRequired so a server that drops STARTTLS cannot downgrade AUTH.
std::unique_ptr<IMailer> MakeSmtpMailer(SmtpConfig config);

}  // namespace faceloop::mail
