#include "http/routes/rating_links.hpp"

#include <algorithm>
#include <chrono>
#include <functional>

#include "common/error.hpp"
#include "http/guard.hpp"
#include "http/server/url.hpp"
#include "reports/email.hpp"

namespace faceloop::http {
namespace {

using reports::EscapeHtml;
constexpr const char* kFeedbackPath = "/v1/rating/feedback";
constexpr const char* kUnsubscribePath = "/v1/rating/unsubscribe";

void WritePage(Response& res, int status, const std::string& title, const std::string& body_html) {
  res.status = status;
  res.SetContent(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width\"><title>" +
          EscapeHtml(title) + " · faceloop</title></head>\n<body><h1>" + EscapeHtml(title) + "</h1>\n" + body_html +
          "</body></html>\n",
      "text/html; charset=utf-8");
  // The URL carries a token: no caching, no Referer to wherever the page links; no script at all.
  res.headers.Set("Cache-Control", "no-store");
  res.headers.Set("Referrer-Policy", "no-referrer");
  res.headers.Set("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'");
}

/// Runs `fn`; a refusal a person can act on becomes a page with the error's status, anything else
/// goes to the guard (problem+json, logged).
void AsPage(Response& res, const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& error) {
    const ErrorCode code = error.code();
    const bool shown = code == ErrorCode::kUnauthenticated || code == ErrorCode::kGone ||
                       code == ErrorCode::kConflict || code == ErrorCode::kNotFound ||
                       code == ErrorCode::kUnprocessable || code == ErrorCode::kBadRequest;
    if (!shown) throw;
    const char* title = code == ErrorCode::kConflict ? "Already answered"
                        : code == ErrorCode::kGone   ? "This link has expired"
                                                     : "This link does not work";
    WritePage(res, error.http_status(), title, "<p>" + EscapeHtml(error.what()) + "</p>\n");
  }
}

/// A field of an application/x-www-form-urlencoded body, or "".
std::string FormField(std::string_view body, std::string_view name) {
  for (std::size_t at = 0; at <= body.size();) {
    const std::size_t end = std::min(body.find('&', at), body.size());
    const std::string_view pair = body.substr(at, end - at);
    const std::size_t equals = pair.find('=');
    if (PercentDecode(pair.substr(0, equals), true) == std::string(name) && equals != std::string_view::npos) {
      return PercentDecode(pair.substr(equals + 1), true).value_or("");
    }
    at = end + 1;
  }
  return "";
}

std::string VerdictWord(const std::string& verdict) { return verdict == "correct" ? "correct" : "wrong"; }

void FeedbackPage(const RatingLinkRoutes& s, const Request& req, Response& res) {
  AsPage(res, [&] {
    const std::string token = req.Param("token");
    const std::string verdict = req.Param("verdict");
    if (verdict != "correct" && verdict != "incorrect") {
      throw Error(ErrorCode::kUnprocessable, "verdict: must be correct or incorrect");
    }
    (void)s.feedback.tokens.Verify(token, std::chrono::system_clock::now());  // 401 / 410 before any button
    WritePage(res, 200, "Rate this detection",
              R"(<form method="post" action=")" + std::string(kFeedbackPath) +
                  R"("><input type="hidden" name="token" value=")" + EscapeHtml(token) +
                  R"("><input type="hidden" name="verdict" value=")" + verdict +
                  R"("><button type="submit">Confirm: the detection was )" + VerdictWord(verdict) +
                  "</button></form>\n");
  });
}

void FeedbackPost(const RatingLinkRoutes& s, const Request& req, Response& res) {
  AsPage(res, [&] {
    const std::string verdict = FormField(req.body, "verdict");
    const nlohmann::json body = {{"token", FormField(req.body, "token")}, {"verdict", verdict}};
    const feedback::Feedback stored = SaveWithToken(s.feedback, body, "");
    WritePage(res, 200, "Thank you",
              "<p>Your answer (" + VerdictWord(verdict) + ") is recorded for request " + EscapeHtml(stored.request_id) +
                  ".</p>\n");
  });
}

feedback::TokenClaims OptOutClaims(const RatingLinkRoutes& s, const Request& req) {
  return s.opt_out_tokens.Verify(req.Param("token"), std::chrono::system_clock::now());
}

void UnsubscribePage(const RatingLinkRoutes& s, const Request& req, Response& res) {
  AsPage(res, [&] {
    (void)OptOutClaims(s, req);
    // The token stays in the query: RFC 8058's one-click POST goes to the very same URL.
    WritePage(res, 200, "Stop the rating e-mails",
              R"(<form method="post" action=")" + EscapeHtml(req.target) +
                  R"("><button type="submit">Send me no more rating e-mails</button></form>)"
                  "\n");
  });
}

void UnsubscribePost(const RatingLinkRoutes& s, const Request& req, Response& res) {
  AsPage(res, [&] {
    const feedback::TokenClaims claims = OptOutClaims(s, req);
    accounts::Preferences patch;
    patch.rating_email = false;
    (void)accounts::UpdatePreferences(s.db, claims.user_id, patch, s.defaults, std::chrono::system_clock::now());
    WritePage(res, 200, "Done",
              "<p>You will get no more rating e-mails. You can turn them on again in your account's "
              "preferences.</p>\n");
  });
}

}  // namespace

void RegisterRatingLinkRoutes(Router& router, HttpMetrics& metrics, const RatingLinkRoutes& routes) {
  auto add = [&router, &metrics, routes](const char* method, const char* pattern,
                                         void (*fn)(const RatingLinkRoutes&, const Request&, Response&)) {
    router.Add(method, pattern,
               Guard(metrics, std::string(method) + " " + pattern,
                     [routes, fn](const Request& req, Response& res) { fn(routes, req, res); }));
  };
  add("GET", kFeedbackPath, FeedbackPage);
  add("POST", kFeedbackPath, FeedbackPost);
  add("GET", kUnsubscribePath, UnsubscribePage);
  add("POST", kUnsubscribePath, UnsubscribePost);
}

}  // namespace faceloop::http
