#include "service/rating_job.hpp"

#include <filesystem>

#include "common/time.hpp"
#include "scheduler/job.hpp"
#include "service/backends.hpp"
#include "storage/local_object_store.hpp"
#include "storage/tiered_object_store.hpp"

namespace faceloop::service {
namespace {

rating::SenderOptions SenderOptionsFor(const Config& config) {
  rating::SenderOptions options;
  options.predictions = config.rating.predictions;
  options.link_ttl = std::chrono::hours(24 * config.rating.link_ttl_days);
  options.base_url = config.reports.base_url;
  while (options.base_url.ends_with('/')) options.base_url.pop_back();
  options.defaults = {true, config.datasets.training_use_default};
  return options;
}

}  // namespace

RatingEmails::RatingEmails(const Config& config, db::IDatabase& database, mail::IMailer& mailer,
                           const std::vector<std::uint8_t>& pepper)
    : period_(24 * config.rating.period_days),
      options_(SenderOptionsFor(config)),
      local_(std::make_unique<storage::LocalObjectStore>(std::filesystem::path(config.data_dir) / "objects")),
      remote_(OpenRemoteStore(config)),
      tiered_(remote_ ? std::make_unique<storage::TieredObjectStore>(*local_, *remote_) : nullptr),
      feedback_tokens_(pepper, feedback::kFeedbackTokens),
      opt_out_tokens_(pepper, feedback::kOptOutTokens),
      parts_{database, tiered_ ? *tiered_ : *local_, mailer, feedback_tokens_, opt_out_tokens_} {}

RatingEmails::~RatingEmails() = default;

rating::Window RatingEmails::PeriodAt(rating::Time at) const {
  const scheduler::Period period = scheduler::EveryPeriod(period_)(at);
  return {period.start, period.start, period.end};
}

int RatingEmails::Send(const rating::Window& window, rating::Time now) {
  return rating::SendRatingEmails(parts_, options_, window, now);
}

bool RatingEmailsEnabled(const Config& config) { return config.rating.enabled && !config.smtp.url.empty(); }

void AddRatingJob(Schedules& schedules, RatingEmails& emails) {
  schedules.AddJob({"rating.emails", scheduler::EveryPeriod(emails.period()), scheduler::RunWhen::kEnd, 1,
                    [&emails](const scheduler::Period& due) {
                      (void)emails.Send({due.start, due.start, due.end}, std::chrono::system_clock::now());
                    }});
}

}  // namespace faceloop::service
