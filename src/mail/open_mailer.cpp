#include "mail/open_mailer.hpp"

#include <utility>

namespace faceloop::mail {

std::unique_ptr<IMailer> OpenMailer(SmtpConfig config) {
  if (config.url.empty()) return nullptr;
  return MakeSmtpMailer(std::move(config));  // checks the scheme: SMTP is the only mailer so far
}

}  // namespace faceloop::mail
