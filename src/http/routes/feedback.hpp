#pragma once
// PUT/GET/DELETE /v1/requests/{id}/feedback: a user's feedback on a request's faces, one per request
// and user, replaceable. Owners give it on their own requests, analysts and admins on anyone's;
// anyone else's request is 404, never 403. POST /v1/requests/{id}/feedback takes the same body plus
// a signed one-time "token" (the rating e-mail's links) instead of credentials.
#include <functional>

#include <nlohmann/json.hpp>

#include "accounts/auth_cache.hpp"
#include "events/event_log.hpp"
#include "events/pipeline.hpp"
#include "feedback/store.hpp"
#include "feedback/token.hpp"
#include "http/http_metrics.hpp"
#include "http/server/router.hpp"
#include "requests/store.hpp"

namespace faceloop::http {

struct FeedbackRoutes {
  accounts::AuthCache& auth;
  requests::RequestStore& requests;
  feedback::FeedbackStore& store;
  const feedback::TokenSigner& tokens;
  events::Pipeline& pipeline;  ///< carries feedback changes to the search index
  events::EventLog& events;
  /// Waits (bounded) until the database holds every record this process spooled: feedback on a
  /// detect answered a moment ago finds its record.
  std::function<void()> read_your_writes;
};

void RegisterFeedbackRoutes(Router& router, HttpMetrics& metrics, const FeedbackRoutes& routes);

/// The token POST's work, also the rating e-mail's link page's: verifies body["token"] (401 forged,
/// 410 expired), checks the feedback in `body` against the token's request, stores it once (409 for
/// a used token) and ships it. `request_id` non-empty: the token must be for that request.
feedback::Feedback SaveWithToken(const FeedbackRoutes& routes, const nlohmann::json& body,
                                 const std::string& request_id);

/// The feedback on `request_id` that `who` may see, as GET /v1/requests/{id} shows it: everyone's
/// for analysts and admins, the caller's own for anyone else.
nlohmann::json VisibleFeedback(feedback::FeedbackStore& store, const std::string& request_id,
                               const accounts::Principal& who);

}  // namespace faceloop::http
