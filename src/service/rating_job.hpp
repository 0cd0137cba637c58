#pragma once
// The rating e-mail ([rating], docs/operations.md) as `serve`, `worker` and `faceloop rate-mail`
// run it: the parts it needs opened from the configuration, and its job on the scheduler (once per
// period of period_days, counted from the Unix epoch, after the period ended).
#include <cstdint>
#include <memory>
#include <vector>

#include "db/database.hpp"
#include "feedback/token.hpp"
#include "mail/mailer.hpp"
#include "rating/sender.hpp"
#include "service/config.hpp"
#include "service/schedules.hpp"
#include "storage/object_store.hpp"

namespace faceloop::service {

class RatingEmails {
 public:
  /// `pepper` is the service pepper: the links' keys derive from it (one per purpose).
  RatingEmails(const Config& config, db::IDatabase& database, mail::IMailer& mailer,
               const std::vector<std::uint8_t>& pepper);
  ~RatingEmails();
  RatingEmails(const RatingEmails&) = delete;
  RatingEmails& operator=(const RatingEmails&) = delete;

  /// The period holding `at`, with the requests of all of it.
  rating::Window PeriodAt(rating::Time at) const;
  /// Sends the e-mails of `window` (rating::SendRatingEmails); how many went out.
  int Send(const rating::Window& window, rating::Time now);
  std::chrono::hours period() const { return period_; }

 private:
  std::chrono::hours period_;
  rating::SenderOptions options_;
  std::unique_ptr<storage::IObjectStore> local_;
  std::unique_ptr<storage::IObjectStore> remote_;
  std::unique_ptr<storage::IObjectStore> tiered_;
  feedback::TokenSigner feedback_tokens_;
  feedback::TokenSigner opt_out_tokens_;
  rating::SenderParts parts_;
};

/// Whether the configuration sends rating e-mails: [rating] enabled and mail configured.
bool RatingEmailsEnabled(const Config& config);

/// The job "rating.emails": each period once it has ended (one missed period caught up).
void AddRatingJob(Schedules& schedules, RatingEmails& emails);

}  // namespace faceloop::service
