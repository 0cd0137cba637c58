#pragma once
// Picks the mailer from the configured URL, so the service names no implementation.
#include <memory>

#include "mail/mailer.hpp"
#include "mail/smtp_mailer.hpp"

namespace faceloop::mail {

/// nullptr when config.url is empty (no mail configured); an SMTP mailer for smtp:// and smtps://
/// (MakeSmtpMailer); Error(kBadRequest) for anything else.
std::unique_ptr<IMailer> OpenMailer(SmtpConfig config);

}  // namespace faceloop::mail
