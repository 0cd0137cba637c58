#include "rating/sender.hpp"

#include "common/error.hpp"
#include "rating/email.hpp"
#include "reports/annotate.hpp"
#include "requests/store.hpp"
#include "telemetry/log.hpp"

namespace faceloop::rating {
namespace {

const telemetry::Logger kLog("rating");

/// The opt-out token's subject: the preference its link turns off.
constexpr const char* kOptOutSubject = "rating_email";

/// Tokens are base64url: safe in a query without escaping.
std::string FeedbackUrl(const std::string& base, const std::string& token, const char* verdict) {
  return base + "/v1/rating/feedback?token=" + token + "&verdict=" + verdict;
}

/// The thumbnail, or "" when the image is gone or cannot be drawn: the e-mail still goes out.
std::string Thumbnail(storage::IObjectStore& images, const requests::RequestRecord& record, int side) {
  try {
    const auto bytes = record.image_key ? images.Get(*record.image_key) : std::nullopt;
    if (!bytes) return "";
    return reports::AnnotateImage(*bytes, record.faces, reports::AnnotatedFormat::kJpeg, side);
  } catch (const Error& error) {
    kLog.Warn("rating e-mail thumbnail skipped", {{"request_id", record.request_id}, {"error", error.what()}});
    return "";
  }
}

std::vector<RatedPrediction> Predictions(const SenderParts& parts, const SenderOptions& options,
                                         const Recipient& recipient, Time expires_at) {
  requests::RequestStore store(parts.db);
  std::vector<RatedPrediction> predictions;
  for (const std::string& id : recipient.request_ids) {
    const auto record = store.Find(id);
    if (!record) continue;  // purged since the selection
    const std::string token = parts.feedback_tokens.Mint(id, recipient.user_id, expires_at);
    predictions.push_back({id, record->received_at, record->face_count.value_or(0),
                           Thumbnail(parts.images, *record, options.thumbnail_side),
                           FeedbackUrl(options.base_url, token, "correct"),
                           FeedbackUrl(options.base_url, token, "incorrect"), options.base_url + "/history/" + id});
  }
  return predictions;
}

enum class Outcome { kSent, kSkipped, kFailed };

/// One recipient: claimed, rendered, sent; kFailed when the mail server could not take it.
Outcome SendOne(const SenderParts& parts, const SenderOptions& options, const Window& window,
                const Recipient& recipient, Time now) {
  if (!ClaimPeriod(parts.db, recipient.user_id, window.period_start, now)) {
    return Outcome::kSkipped;  // another process has it
  }
  try {
    const Time expires_at = now + options.link_ttl;
    const std::vector<RatedPrediction> predictions = Predictions(parts, options, recipient, expires_at);
    if (predictions.empty()) return Outcome::kSkipped;  // the claim stays: nothing of this period is left to rate
    parts.mailer.Send(
        RenderRatingEmail(recipient.email, predictions,
                          options.base_url + OptOutPath(parts.opt_out_tokens, recipient.user_id, expires_at)));
    return Outcome::kSent;
  } catch (const Error& error) {
    if (error.code() == ErrorCode::kBadRequest) {  // the address is refused: retrying would not help
      kLog.Warn("rating e-mail refused", {{"user_id", recipient.user_id}, {"error", error.what()}});
      return Outcome::kSkipped;
    }
    ReleasePeriod(parts.db, recipient.user_id, window.period_start);
    kLog.Warn("rating e-mail not sent; retried on the next run",
              {{"user_id", recipient.user_id}, {"error", error.what()}});
    return Outcome::kFailed;
  }
}

}  // namespace

std::string OptOutPath(const feedback::TokenSigner& opt_out_tokens, const std::string& user_id, Time expires_at) {
  return "/v1/rating/unsubscribe?token=" + opt_out_tokens.Mint(kOptOutSubject, user_id, expires_at);
}

int SendRatingEmails(const SenderParts& parts, const SenderOptions& options, const Window& window, Time now) {
  int sent = 0;
  int failed = 0;
  for (const Recipient& recipient : SelectRecipients(parts.db, window, options.predictions, options.defaults)) {
    const Outcome outcome = SendOne(parts, options, window, recipient, now);
    sent += outcome == Outcome::kSent ? 1 : 0;
    failed += outcome == Outcome::kFailed ? 1 : 0;
  }
  if (failed > 0) {
    throw Error(ErrorCode::kUnavailable, std::to_string(failed) + " rating e-mails could not be sent; retried later");
  }
  return sent;
}

}  // namespace faceloop::rating
