#pragma once
// The rating e-mail job's work for one period: select the recipients, claim each one's period,
// render and send their e-mail through the mailer, and release the claim when the mail server
// cannot take it, so the scheduler's retry (the run fails) sends it later and nothing is lost.
// A crash between claim and send loses that one e-mail: at most once, never twice.
#include <chrono>
#include <string>

#include "accounts/preferences.hpp"
#include "db/database.hpp"
#include "feedback/token.hpp"
#include "mail/mailer.hpp"
#include "rating/selection.hpp"
#include "storage/object_store.hpp"

namespace faceloop::rating {

struct SenderOptions {
  int predictions = 3;                    ///< requests listed per e-mail
  std::chrono::hours link_ttl{14 * 24};   ///< the links' lifetime
  std::string base_url;                   ///< the public URL links start with ("" = relative)
  accounts::PreferenceDefaults defaults;  ///< rating_email for users who never chose
  int thumbnail_side = 240;               ///< long side of the inline thumbnails, pixels
};

/// The mailer and the stores it reads, borrowed.
struct SenderParts {
  db::IDatabase& db;
  storage::IObjectStore& images;
  mail::IMailer& mailer;
  const feedback::TokenSigner& feedback_tokens;  ///< kFeedbackTokens: one per listed request
  const feedback::TokenSigner& opt_out_tokens;   ///< kOptOutTokens: one per e-mail
};

/// Sends the rating e-mails of `window` at `now`; returns how many went out. Throws
/// Error(kUnavailable) after trying every recipient when some could not be sent (their claims are
/// released, so a rerun sends exactly those).
int SendRatingEmails(const SenderParts& parts, const SenderOptions& options, const Window& window, Time now);

/// The opt-out link's path and query for `user_id` (what the e-mail's link and List-Unsubscribe carry).
std::string OptOutPath(const feedback::TokenSigner& opt_out_tokens, const std::string& user_id, Time expires_at);

}  // namespace faceloop::rating
