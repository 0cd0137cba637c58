#pragma once
// The rating e-mail's links, answered with small HTML pages (the token is the credential, no
// cookie): GET /v1/rating/feedback?token=&verdict= shows a button that POSTs the feedback, and
// GET /v1/rating/unsubscribe?token= one that POSTs the opt-out. A GET changes nothing, so mail
// scanners that fetch links do no harm; the unsubscribe POST is also RFC 8058's one-click target.
// Refusals are pages too: 401 forged, 410 expired, 409 a feedback link used already.
#include "accounts/preferences.hpp"
#include "db/database.hpp"
#include "feedback/token.hpp"
#include "http/http_metrics.hpp"
#include "http/routes/feedback.hpp"
#include "http/server/router.hpp"

namespace faceloop::http {

struct RatingLinkRoutes {
  FeedbackRoutes feedback;                      ///< what the token POST uses; its tokens are the feedback ones
  const feedback::TokenSigner& opt_out_tokens;  ///< kOptOutTokens
  db::IDatabase& db;
  accounts::PreferenceDefaults defaults;
};

void RegisterRatingLinkRoutes(Router& router, HttpMetrics& metrics, const RatingLinkRoutes& routes);

}  // namespace faceloop::http
